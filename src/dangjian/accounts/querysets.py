"""``Model.objects.visible_to(user, action)``: the scope as a queryset method, so nobody can forget it.

Kept free of imports from the domain apps (they import this to build their managers);
the policy is looked up when the method is called.
"""

from django.db import models


class ScopedQuerySetMixin:
    def visible_to(self, user, action="view"):
        """The rows ``user`` may take ``action`` on (dangjian.accounts.policy); superusers see all."""
        from .policy import visible_q

        return self.filter(visible_q(self.model, user, action))


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
