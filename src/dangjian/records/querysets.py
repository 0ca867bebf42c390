"""``Model.objects.visible_to(user, action)``: the scope as a queryset method, so nobody can forget it.

A kit module: it imports no domain app. The policy that answers (dangjian.accounts.policy)
installs itself with :func:`set_policy` when the accounts app is ready; until then, and for
a model without a policy, ``visible_to`` raises rather than return everything.
"""

from django.db import models

_policy = None


def set_policy(visible_q):
    """Install ``visible_q(model, user, action) -> Q``, the one function every scoped read asks."""
    global _policy
    _policy = visible_q


class ScopedQuerySetMixin:
    def visible_to(self, user, action="view"):
        """The rows ``user`` may take ``action`` on (superusers: all); a row outside is simply absent."""
        if _policy is None:
            raise RuntimeError("no access policy installed (dangjian.accounts is not ready)")
        return self.filter(_policy(self.model, user, action))


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
