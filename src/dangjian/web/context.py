from dangjian.accounts.scope import Scope


def navigation(request):
    """What the navigation bar offers this user (only what they may do)."""
    from dangjian.accounts.policy import may
    from dangjian.imports.models import ImportRun

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dangjian.audit.models import AuditEvent

    return {"scope": Scope.of(user), "may_import": may(user, "add", ImportRun),
            "may_read_logins": may(user, "view_logins", AuditEvent) or Scope.of(user).is_global}
