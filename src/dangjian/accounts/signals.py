"""Log-ins, failed log-ins and log-outs as audit events (the login history), with the client's address.

A failed log-in keeps the user name tried, never the password (Django hands the receivers
the credentials with the password masked; only the name is read).
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.audit.services import record


def client_address(request):
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    return ip or None


@receiver(user_logged_in, dispatch_uid="dangjian-audit-login")
def _logged_in(sender, request, user, **kwargs):
    record("user logged in", actor=user, obj=user, address=client_address(request), data_changed=False)


@receiver(user_logged_out, dispatch_uid="dangjian-audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None and getattr(user, "pk", None):
        record("user logged out", actor=user, obj=user, address=client_address(request), data_changed=False)


@receiver(user_login_failed, dispatch_uid="dangjian-audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    tried = str((credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username") or "")[:150]
    known = User.objects.filter(**{User.USERNAME_FIELD: tried}).first() if tried else None
    record("user login failed", obj=known, label=tried or "—", after={"username": tried},
           address=client_address(request), data_changed=False)


def _keep_login_history(sender, instance, **kwargs):
    """No login-history row younger than the retention period is deleted through the ORM (any database)."""
    from dangjian.audit.models import AuditImmutable, retention_days, retention_limit

    if instance.attempt_time and instance.attempt_time > retention_limit():
        raise AuditImmutable(f"登录记录保存期（{retention_days()} 天）内不可删除")


def _connect_login_history():
    from axes.models import AccessFailureLog, AccessLog
    from django.db.models.signals import pre_delete

    for model in (AccessLog, AccessFailureLog):
        pre_delete.connect(_keep_login_history, sender=model, dispatch_uid=f"dangjian-keep-{model.__name__}")


_connect_login_history()
