"""``dangjian report problems``: the livelihood-problem figures (CONTRACT §4)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from dangjian.orgs.models import Organization
from dangjian.problems.reports import problem_figures


def figures_table(figures, scope):
    lines = [
        f"民生问题台账　范围 {scope.code if scope else '全部'}",
        f"  问题总数 {figures.problems}　已办结 {figures.completed}　办结率 {figures.completion_rate * 100:.1f}%"
        f"　问题类别 {figures.categories}",
        "",
        "  类别                    问题数    已办结",
    ]
    for row in figures.by_category:
        pad = 22 - sum(2 if ord(c) > 0x2E7F else 1 for c in row["category"])
        lines.append(f"  {row['category']}{' ' * max(pad, 1)}{row['problems']:>8}{row['completed']:>10}")
    return "\n".join(lines)


def figures_xlsx(figures, scope, out):
    from openpyxl import Workbook  # imported on use: it slows every other format's start-up
    from openpyxl.styles import Font

    from dangjian.workbook.write import safe_row

    wb = Workbook()
    ws = wb.active
    ws.title = "民生问题"
    ws.append(safe_row(ws, ["范围", scope.code if scope else "全部"]))
    ws.append(["问题总数", figures.problems])
    ws.append(["已办结", figures.completed])
    ws.append(["办结率", figures.completion_rate])
    ws["B4"].number_format = "0.0%"
    ws.append(["问题类别数", figures.categories])
    ws.append([])
    ws.append(["问题类别", "问题数", "已办结"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in figures.by_category:
        ws.append(safe_row(ws, [row["category"], row["problems"], row["completed"]]))  # a category is typed in
    ws.column_dimensions["A"].width = 24
    wb.save(out)


class Command(BaseCommand):
    help = "报表：民生问题（CONTRACT §4）"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["problems"], help="报表名称")
        parser.add_argument("--org", default=None, help="只统计该组织编码的下级范围（含本级）")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--out", default=None)

    def handle(self, *args, report, org, format, out, **options):
        scope = None
        if org is not None:
            scope = Organization.objects.filter(code=org).first()
            if scope is None:
                raise CommandError(f"组织编码不存在：{org}", returncode=1)
        figures = problem_figures(scope)
        if format == "xlsx":
            if not out:
                raise CommandError("--format xlsx 需要 --out 文件名", returncode=2)
            figures_xlsx(figures, scope, out)
            from dangjian.problems.services import record_report_export

            record_report_export(scope)
            return
        text = (json.dumps(figures.as_json(), ensure_ascii=False, indent=2) if format == "json"
                else figures_table(figures, scope))
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
