"""The audit trail: read in scope by organization, and one's own actions wherever they were."""

from django.db.models import Q

from dangjian.accounts.policy import READERS, Access, declare

from .models import AuditEvent


def _own_actions(user, scope, action):
    return Q(actor=user) if action == "view" else Q(pk__in=[])


declare(AuditEvent, reach="organization__path", actions={"view": Access(READERS)}, extra=[_own_actions])
