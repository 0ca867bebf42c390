from axes.management.commands import axes_reset_failure_logs

from ._axes import cleaned


class Command(axes_reset_failure_logs.Command):
    help = "删除超过保存期的登录失败记录（至少保存 DANGJIAN_AUDIT_RETENTION_DAYS 天，默认 180 天），并记入审计"

    def handle(self, *args, **options):
        from axes.models import AccessFailureLog

        cleaned(self, AccessFailureLog, options["age"])
