from django.utils import timezone

from dangjian.accounts.scope import Scope


def navigation(request):
    """What the navigation bar offers this user (only what they may do)."""
    from dangjian.accountability.models import Case
    from dangjian.accounts.policy import may
    from dangjian.imports.models import ImportRun

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dangjian.audit.models import AuditEvent

    scope = Scope.of(user)
    return {"scope": scope, "may_import": may(user, "add", ImportRun), "todo_count": _todo_count(user, scope),
            "may_read_logins": may(user, "view_logins", AuditEvent) or scope.is_global,
            "may_cases": may(user, "view", Case)}


def _todo_count(user, scope):
    """The number beside 我的待办: recounted when the data changes (or the day does), else cached."""
    from dangjian.audit.cache import cached
    from dangjian.ui import todos

    day = timezone.localdate()
    return cached("todo-count", (user.pk, day), lambda: todos.count(user, scope.person, day), timeout=3600)
