"""How one cell is read against its column's declaration: blank, date, choice, text and its own check.

:func:`cleaner` works out once per column what reading its cells takes, and returns a
function of the cell alone: it runs for every cell of a province's workbook (5.7 million),
twice (the check and the write).
"""

import datetime
import re

from .reader import LongNumber

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_text(raw):
    return raw if isinstance(raw, str) else (raw.isoformat() if hasattr(raw, "isoformat") else str(raw))


def cleaner(column):
    """A function ``raw -> (value, error)`` for the cells of ``column``; value None means blank."""
    blank = (None, "必填项为空") if column.required else (None, None)
    if column.kind == "date":
        def clean(raw):
            if raw == "" or raw is None:
                return blank
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
        return clean
    if column.kind == "choice":
        choices = column.choices

        def clean(raw):
            if raw == "" or raw is None:
                return blank
            text = raw if raw.__class__ is str else as_text(raw)
            if text in choices:
                return choices[text], None
            return None, f"“{text}”不是有效选项（可选：{'、'.join(choices)}）"
        return clean
    check, normalize, max_length = column.check, column.normalize, column.max_length
    too_long = (None, f"超过 {max_length} 个字符")

    def clean(raw):
        if raw == "" or raw is None:
            return blank
        if raw.__class__ is str:
            text = raw
        elif isinstance(raw, LongNumber):  # a 身份证号 typed as a number: Excel kept 15 digits of it
            return None, (f"{column.name}被存成了数字，Excel 只保留 15 位有效数字，后几位已丢失（现为 {raw}）："
                          "请把该列设为“文本”格式后重新输入")
        else:
            text = as_text(raw)
        if check is not None:  # the column's own rule (身份证号, 手机号 …), from its app's validators
            error = check(text)
            if error:
                return None, error
            return (normalize(text) if normalize else text), None
        if len(text) > max_length:
            return too_long
        return text, None
    return clean


def clean_cell(column, raw):
    """Return (value, error) for one cell of ``column`` (see :func:`cleaner`)."""
    return cleaner(column)(raw)
