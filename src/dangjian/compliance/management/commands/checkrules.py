"""``dangjian check``: apply the contact-point rules (CONTRACT §3)."""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dangjian.compliance.exports import check_to_xlsx, check_to_table
from dangjian.compliance.rules import input_problems, run_check
from dangjian.orgs.models import Organization


def iso_date(value):
    import argparse

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}")
    for problem in input_problems(as_of=day):
        raise argparse.ArgumentTypeError(f"{problem}：{value}")
    return day


def positive_int(value):
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{value}")
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{value}")
    for problem in input_problems(visit_days=number):
        raise argparse.ArgumentTypeError(f"{problem}：{value}")
    return number


class Command(BaseCommand):
    help = "检查党建工作联系点制度落实情况（CONTRACT §3）"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=iso_date, default=None, help="检查日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--org", default=None, help="只检查该组织编码的下级范围（含本级）")
        parser.add_argument("--visit-days", type=positive_int, default=None, help="联系点活动周期天数（默认 90）")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--out", default=None, help="输出文件（xlsx 必填；其他格式默认输出到屏幕）")

    def handle(self, *args, as_of, org, visit_days, format, out, **options):
        scope = None
        if org is not None:
            scope = Organization.objects.filter(code=org).first()
            if scope is None:
                raise CommandError(f"组织编码不存在：{org}", returncode=1)
        if format == "xlsx" and not out:
            raise CommandError("--format xlsx 需要 --out 文件名", returncode=2)
        result = run_check(as_of=as_of, scope=scope, visit_days=visit_days)
        if format == "xlsx":
            check_to_xlsx(result, out)
            from dangjian.compliance.services import record_export

            record_export(result, label="命令行", organization=scope)
            return
        text = (json.dumps(result.as_json(), ensure_ascii=False) if format == "json"
                else check_to_table(result))
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
