"""Check results for people: a terminal table and an office workbook."""

import unicodedata

from .rules import RULES_BY_ID

SUMMARY_LABELS = {
    "responsible_leaders": "责任主体",
    "compliant_leaders": "全部达标的责任主体",
    "branches": "党支部",
    "lagging_branches": "后进党支部",
    "covered_lagging_branches": "已有责任主体联系的后进党支部",
}


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


def check_to_table(result):
    lines = [
        f"检查日期 {result.as_of.isoformat()}　范围 {result.scope or '全部'}　活动周期 {result.visit_days} 天",
        "",
    ]
    for key, label in SUMMARY_LABELS.items():
        lines.append(f"  {_pad(label, 30)}{result.summary[key]:>8}")
    lines.append("")
    if not result.violations:
        lines.append("未发现问题。")
        return "\n".join(lines)
    header = ["规则", "人员", "组织", "说明"]
    rows = [[RULES_BY_ID[v.rule].title, v.person or "", v.org or "", v.message] for v in result.violations]
    widths = [max(_width(r[i]) for r in rows + [header]) for i in range(3)]
    lines.append("  ".join(_pad(h, w) for h, w in zip(header[:3], widths)) + "  " + header[3])
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    for r in rows:
        lines.append("  ".join(_pad(c, w) for c, w in zip(r[:3], widths)) + "  " + r[3])
    lines.append("")
    lines.append(f"共 {len(result.violations)} 条问题。")
    return "\n".join(lines)


def check_to_xlsx(result, out):
    # openpyxl is imported here, not at the top: it costs ~0.1 s, and `dangjian check`
    # is meant to answer in well under a second when it prints JSON.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from dangjian.workbook.write import safe_row

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "检查结果"
    bold = Font(bold=True)
    ws.append(["检查日期", result.as_of.isoformat()])
    ws.append(safe_row(ws, ["检查范围", result.scope or "全部"]))
    ws.append(["活动周期（天）", result.visit_days])
    for key, label in SUMMARY_LABELS.items():
        ws.append([label, result.summary[key]])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(["规则编号", "规则", "人员编号", "人员", "组织编码", "组织", "说明", "依据"])
    for cell in ws[header_row]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="FDE7E7")
    for v in result.violations:
        rule = RULES_BY_ID[v.rule]
        # Names and messages come from forms and imports: each text cell inert (workbook.write).
        ws.append(safe_row(ws, [v.rule, rule.title, v.person, v.person_name, v.org, v.org_name, v.message,
                                rule.seed]))
    for i, width in enumerate([26, 18, 14, 10, 14, 24, 60, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    wb.save(out)
