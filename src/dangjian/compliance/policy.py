"""Findings: supervisors and the department record them; the records they concern stay the branch's."""

from dangjian.accounts.models import Role
from dangjian.accounts.policy import ADMIN, READERS, SUPERVISORS, Access, declare

from .models import Finding, FindingReply

declare(Finding, reach="organization__path", actions={
    "view": Access(READERS),
    "add": Access(SUPERVISORS),
    "change": Access(SUPERVISORS),  # its status: the supervisor follows it up (close, send back)
    "reply": Access(ADMIN | {Role.BRANCH_SECRETARY}, linked=frozenset({Role.LEADER})),
}, linked_org="organization")
declare(FindingReply, reach="finding__organization__path", actions={"view": Access(READERS)})
