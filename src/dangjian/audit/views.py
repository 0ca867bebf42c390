from dangjian.ui.generic import ScopedListView

from . import registry
from .models import AuditEvent


class AuditList(ScopedListView):
    """Every recorded change in the user's scope, newest first (and the user's own actions anywhere)."""

    model = AuditEvent
    template_name = "audit/list.html"

    def get_queryset(self):
        events = super().get_queryset()
        action = self.request.GET.get("action")
        if registry.is_registered(action or ""):
            events = events.filter(action=action)
        return events.select_related("actor", "actor__profile__person", "organization").order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "actions": [(k, str(v)) for k, v in registry.actions().items()],
                "action": self.request.GET.get("action", "")}
