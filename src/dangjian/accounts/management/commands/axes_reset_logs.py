from axes.management.commands import axes_reset_logs

from ._axes import cleaned


class Command(axes_reset_logs.Command):
    help = "删除超过保存期的登录记录（至少保存 DANGJIAN_AUDIT_RETENTION_DAYS 天，默认 180 天），并记入审计"

    def handle(self, *args, **options):
        from axes.models import AccessLog

        cleaned(self, AccessLog, options["age"])
