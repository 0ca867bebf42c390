"""django-axes' clean-up commands, kept to the retention period and audited.

``axes_reset_logs`` and ``axes_reset_failure_logs`` erased the login history without trace;
here they delete only what is older than the retention period (DANGJIAN_AUDIT_RETENTION_DAYS,
at least 180 days, whatever ``--age`` says) and record the clean-up. The lockout resets
(``axes_reset`` …) remove counters, not history; they are recorded too.
"""

from django.db import transaction

from dangjian.audit.context import log_context
from dangjian.audit.services import record


def cleaned(command, model, age):
    from datetime import timedelta

    from django.utils import timezone

    from dangjian.audit.models import retention_days

    days = max(age or 0, retention_days())
    with log_context(), transaction.atomic():
        limit = timezone.now() - timedelta(days=days)
        removed = model.objects.filter(attempt_time__lte=limit).delete()[0]
        record("login history cleaned", label="命令行", data_changed=False, after={"removed": removed, "kept_days": days})
    if age is not None and age < days:
        command.stdout.write(f"登录记录至少保存 {days} 天：只删除 {days} 天以前的记录")
    command.stdout.write(f"已删除登录记录 {removed} 条")


def audited_reset(handle):
    def wrapped(self, *args, **options):
        with log_context(), transaction.atomic():
            result = handle(self, *args, **options)
            given = {k: options[k] for k in ("ip", "username") if options.get(k)}
            record("login lockouts reset", label="命令行", data_changed=False, after=given or None)
        return result

    return wrapped
