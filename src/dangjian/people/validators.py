"""The rules of a person's numbers, one home for the import, the forms and the services.

CONTRACT §2: 身份证号 has 18 characters and the GB 11643 check digit; 手机号 has 11 digits
and starts with 1.
"""

import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1\d{10}$")


def id_card_check_digit(first17):
    """The GB 11643 check digit of the first 17 digits (ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def id_card_error(value):
    """The reason a 身份证号 is invalid (GB 11643), or None."""
    value = value.upper()
    if len(value) != 18:
        return f"身份证号应为 18 位，实际 {len(value)} 位"
    if not _ID_RE.match(value):
        return "身份证号前 17 位应为数字，最后一位为数字或 X"
    expected = id_card_check_digit(value[:17])
    if value[17] != expected:
        return f"身份证号校验位错误（应为 {expected}）"
    return None


def mobile_error(value):
    """The reason a 手机号 is invalid, or None."""
    if _MOBILE_RE.match(value):
        return None
    return f"手机号无效：“{value}”，应为 1 开头的 11 位数字"

