"""The workbook of CONTRACT §2: its sheets, their columns, and how one cell is checked."""

import datetime
import re
from dataclasses import dataclass, field

from dangjian.contacts.models import ActivityKind, LinkKind
from dangjian.orgs.models import Domain, OrgKind, Tier
from dangjian.people.models import PostRole
from dangjian.problems.models import ProblemStatus

from .reader import LongNumber


def _by_label(choices):
    return {label: value for value, label in choices.choices}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    kind: str = "text"  # text | date | choice | idcard | mobile
    choices: dict = field(default_factory=dict)  # label -> stored value
    max_length: int = 200


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple
    help: str = ""

    @property
    def column_names(self):
        return [c.name for c in self.columns]


ORG_KINDS = _by_label(OrgKind)
DOMAINS = _by_label(Domain)
TIERS = _by_label(Tier)
ROLES = _by_label(PostRole)
LINK_KINDS = _by_label(LinkKind)
ACTIVITY_KINDS = _by_label(ActivityKind)
STATUSES = _by_label(ProblemStatus)

SHEETS = (
    Sheet("组织", (
        Column("组织编码", True, max_length=64),
        Column("组织名称", True),
        Column("上级组织编码", max_length=64),
        Column("组织类型", True, "choice", ORG_KINDS),
        Column("所属领域", False, "choice", DOMAINS),
        Column("支部等次", False, "choice", TIERS),
        Column("定级日期", False, "date"),
    ), "党组织树：上级组织编码为空表示顶层组织；党支部必须填写所属领域。"),
    Sheet("支部定级", (
        Column("组织编码", True, max_length=64),
        Column("支部等次", True, "choice", TIERS),
        Column("定级日期", False, "date"),
    ), "党支部的定级历史：每行表示“自定级日期起为该等次”，定级日期为空表示一直如此。"),
    Sheet("人员", (
        Column("人员编号", True, max_length=64),
        Column("姓名", True, max_length=100),
        Column("身份证号", False, "idcard"),
        Column("手机号", False, "mobile"),
    ), "人员名册。身份证号为 18 位并符合 GB 11643 校验位；手机号为 1 开头的 11 位数字。"),
    Sheet("任职", (
        Column("人员编号", True, max_length=64),
        Column("组织编码", True, max_length=64),
        Column("职务", True, "choice", ROLES),
        Column("任职日期", False, "date"),
        Column("免职日期", False, "date"),
    ), "班子成员任职：在党委、党组、党工委任职的人员是责任主体。"),
    Sheet("联系点", (
        Column("人员编号", True, max_length=64),
        Column("组织编码", True, max_length=64),
        Column("联系类型", True, "choice", LINK_KINDS),
        Column("开始日期", False, "date"),
        Column("结束日期", False, "date"),
    ), "每名责任主体建立 1 个联系点，并至少联系 1 个基层党支部。"),
    Sheet("活动", (
        Column("人员编号", True, max_length=64),
        Column("组织编码", True, max_length=64),
        Column("活动日期", True, "date"),
        Column("活动类型", True, "choice", ACTIVITY_KINDS),
        Column("内容", False, max_length=10000),
    ), "到联系点开展的调研指导、专题党课、督导检查等活动。"),
    Sheet("民生问题", (
        Column("问题编号", True, max_length=64),
        Column("组织编码", True, max_length=64),
        Column("问题类别", True, max_length=100),
        Column("问题描述", True, max_length=10000),
        Column("发现日期", True, "date"),
        Column("状态", True, "choice", STATUSES),
        Column("办结日期", False, "date"),
        Column("服务队", False),
    ), "民生问题台账：状态为“已办结”时必须填写办结日期，且不早于发现日期。"),
)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
INSTRUCTIONS_SHEET = "填写说明"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1\d{10}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def id_card_error(value):
    """The reason a 身份证号 is invalid (GB 11643), or None."""
    value = value.upper()
    if len(value) != 18:
        return f"身份证号应为 18 位，实际 {len(value)} 位"
    if not _ID_RE.match(value):
        return "身份证号前 17 位应为数字，最后一位为数字或 X"
    expected = _ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS)) % 11]
    if value[17] != expected:
        return f"身份证号校验位错误（应为 {expected}）"
    return None


def id_card_check_digit(first17):
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def clean_cell(column, raw):
    """Return (value, error) for one cell; value None means blank."""
    if raw == "" or raw is None:
        if column.required:
            return None, "必填项为空"
        return None, None
    if column.kind == "date":
        if isinstance(raw, datetime.datetime):
            return raw.date(), None
        if isinstance(raw, datetime.date):
            return raw, None
        text = str(raw)
        if _DATE_RE.match(text):
            try:
                return datetime.date.fromisoformat(text), None
            except ValueError:
                pass
        return None, f"日期无效：“{text}”，应为 YYYY-MM-DD"
    text = raw if isinstance(raw, str) else (raw.isoformat() if hasattr(raw, "isoformat") else str(raw))
    if column.kind == "choice":
        if text in column.choices:
            return column.choices[text], None
        return None, f"“{text}”不是有效选项（可选：{'、'.join(column.choices)}）"
    if isinstance(raw, LongNumber):
        return None, (f"{column.name}被存成了数字，Excel 只保留 15 位有效数字，后几位已丢失（现为 {text}）："
                      "请把该列设为“文本”格式后重新输入")
    if column.kind == "idcard":
        error = id_card_error(text)
        return (None, error) if error else (text.upper(), None)
    if column.kind == "mobile":
        if _MOBILE_RE.match(text):
            return text, None
        return None, f"手机号无效：“{text}”，应为 1 开头的 11 位数字"
    if len(text) > column.max_length:
        return None, f"超过 {column.max_length} 个字符"
    return text, None
