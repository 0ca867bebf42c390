"""How one cell is read against its column's declaration: blank, date, choice, text and its own check."""

import datetime
import re

from .reader import LongNumber

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_text(raw):
    return raw if isinstance(raw, str) else (raw.isoformat() if hasattr(raw, "isoformat") else str(raw))


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
    # as_text(), written out: this runs for every cell of a province's workbook, twice.
    text = raw if isinstance(raw, str) else (raw.isoformat() if hasattr(raw, "isoformat") else str(raw))
    if column.kind == "choice":
        if text in column.choices:
            return column.choices[text], None
        return None, f"“{text}”不是有效选项（可选：{'、'.join(column.choices)}）"
    if isinstance(raw, LongNumber):  # a 身份证号 typed as a number: Excel kept 15 digits of it
        return None, (f"{column.name}被存成了数字，Excel 只保留 15 位有效数字，后几位已丢失（现为 {text}）："
                      "请把该列设为“文本”格式后重新输入")
    if column.check is not None:  # the column's own rule (身份证号, 手机号 …), from its app's validators
        error = column.check(text)
        if error:
            return None, error
        return (column.normalize(text) if column.normalize else text), None
    if len(text) > column.max_length:
        return None, f"超过 {column.max_length} 个字符"
    return text, None
