from django.db.models import Q

from dangjian.web.generic import ScopedListView

from .display import ACTIONS
from .models import AuditEvent


class AuditList(ScopedListView):
    """Every recorded change in the user's scope, newest first (and the user's own imports)."""

    model = AuditEvent
    template_name = "audit/list.html"
    scope_field = "organization__path"

    def get_queryset(self):
        scope = self.scope
        events = AuditEvent.objects.all()
        if not scope.is_global:  # in scope by organization, or done by the user (an import has no organization)
            events = events.filter(scope.q("organization__path") | Q(actor=self.request.user))
        action = self.request.GET.get("action")
        if action in ACTIONS:
            events = events.filter(action=action)
        return events.select_related("actor", "actor__profile__person", "organization").order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "actions": [(k, str(v)) for k, v in ACTIONS.items()],
                "action": self.request.GET.get("action", "")}
