"""``dangjian accountability sweep|report``: the ladder of 失责必问 (CONTRACT §5)."""

import argparse
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.accountability.ladder import DEFAULTS, MAX_DAYS, SweepRejected, sweep
from dangjian.accountability.report import cases_report, report_to_table, report_to_xlsx
from dangjian.audit.context import log_context
from dangjian.compliance.management.commands.checkrules import iso_date, positive_int
from dangjian.orgs.models import Organization


def days(value):
    """A whole number of days, 0 … MAX_DAYS (a deadline the same day is still a deadline)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为不小于 0 的整数：{value}")
    if not 0 <= number <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"应在 0 到 {MAX_DAYS} 之间：{value}")
    return number


SWEEP_LINES = [("violations", "违规"), ("opened", "新立事项"), ("escalated", "逾期升级"),
               ("moved_for_many", "问题较多升级为约谈"), ("rectified", "已整改结案"), ("lapsed", "失效结案"),
               ("rerouted", "处理人变更"), ("open_after", "整改中事项")]


class Command(BaseCommand):
    help = "失责必问：按日巡检问责事项（sweep），列出问责事项（report）（CONTRACT §5）"
    requires_system_checks = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True, metavar="{sweep,report,schedule}")
        s = commands.add_parser("sweep", help="在某日执行问责巡检：立项、升级、结案")
        s.add_argument("--as-of", type=iso_date, default=None, help="巡检日期 YYYY-MM-DD（默认今天）")
        s.add_argument("--visit-days", type=positive_int, default=None, help="联系点活动周期天数（默认 90）")
        s.add_argument("--rectify-days", type=days, default=DEFAULTS["rectify_days"],
                       help="提醒谈话后的整改期限天数（默认 30）")
        s.add_argument("--interview-days", type=days, default=DEFAULTS["interview_days"],
                       help="约谈后的整改期限天数（默认 15）")
        s.add_argument("--many", type=days, default=DEFAULTS["many"],
                       help="一人有这么多个整改中事项即为问题较多，提醒谈话升为约谈（默认 3）")
        commands.add_parser("schedule", help="让 dangjian db_worker 每天 01:00 自动巡检（只需执行一次）")
        r = commands.add_parser("report", help="列出最近一次巡检后的问责事项")
        r.add_argument("--org", default=None, help="只列所属单位在该组织编码下级范围（含本级）的事项")
        r.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        r.add_argument("--out", default=None, help="输出文件（xlsx 必填；其他格式默认输出到屏幕）")

    def handle(self, *args, command, **options):
        if command == "sweep":
            return self.sweep(**options)
        if command == "schedule":
            return self.schedule()
        return self.report(**options)

    def sweep(self, *, as_of, visit_days, rectify_days, interview_days, many, **options):
        try:
            with log_context():
                outcome = sweep(on=as_of, visit_days=visit_days, rectify_days=rectify_days,
                                interview_days=interview_days, many=many)
        except SweepRejected as refused:
            raise CommandError(str(refused), returncode=1)
        head = f"问责巡检 {outcome.on.isoformat()}"
        if not outcome.changed:
            head += "：与本日上次巡检相比没有变化，未写入"
        lines = [head] + [f"  {label} {outcome.counts[key]}" for key, label in SWEEP_LINES]
        self.stdout.write("\n".join(lines))

    def schedule(self):
        from dangjian.accountability.tasks import schedule

        at = schedule()
        if at is None:
            raise CommandError("后台任务设置为立即执行（DANGJIAN_TASKS=immediate），没有任务队列可排；"
                               "请改用 cron 或 systemd 定时执行 dangjian accountability sweep", returncode=1)
        self.stdout.write(f"已安排每日问责巡检：下一次 {timezone.localtime(at):%Y-%m-%d %H:%M}，由 dangjian db_worker 执行")

    def report(self, *, org, format, out, **options):
        scope = None
        if org is not None:
            scope = Organization.objects.filter(code=org).first()
            if scope is None:
                raise CommandError(f"组织编码不存在：{org}", returncode=1)
        if format == "xlsx" and not out:
            raise CommandError("--format xlsx 需要 --out 文件名", returncode=2)
        report = cases_report(scope)
        if format == "xlsx":
            report_to_xlsx(report, out)
            return
        text = json.dumps(report.as_json(), ensure_ascii=False) if format == "json" else report_to_table(report)
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
