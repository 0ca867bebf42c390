from dangjian.ui.generic import ScopedListView

from . import registry
from .models import AuditEvent
from .registry import LOGIN_ACTIONS


class AuditList(ScopedListView):
    """Every recorded change in the user's scope, newest first (and the user's own actions anywhere)."""

    model = AuditEvent
    template_name = "audit/list.html"

    def get_queryset(self):
        events = super().get_queryset().exclude(action__in=LOGIN_ACTIONS)  # they have their own page
        action = self.request.GET.get("action")
        if registry.is_registered(action or ""):
            events = events.filter(action=action)
        return events.select_related("actor", "actor__profile__person", "organization").order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = registry.name_codes(context["object_list"])  # the page's codes, by name
        return {**context, "actions": [(k, str(v)) for k, v in registry.actions().items() if k not in LOGIN_ACTIONS],
                "action": self.request.GET.get("action", "")}


class LoginHistory(ScopedListView):
    """Log-ins, failed log-ins and log-outs: when, which account (or the name tried), from where.

    For the audit administrator (审计管理员) of the accounts granted in their subtrees, and
    superusers; the policy's ``view_logins`` (accounts.policy) says whose.
    """

    model = AuditEvent
    action = "view_logins"
    template_name = "audit/logins.html"

    def get_queryset(self):
        events = super().get_queryset().filter(action__in=LOGIN_ACTIONS)
        action = self.request.GET.get("action")
        if action in LOGIN_ACTIONS:
            events = events.filter(action=action)
        return events.select_related("actor").order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "actions": [(k, str(registry.action_label(k))) for k in LOGIN_ACTIONS if registry.is_registered(k)],
                "action": self.request.GET.get("action", "")}
