"""The ledger: the department and the branch keep it; a team member keeps it where they link.

Supervisors read it. 「书记抓书记、一级抓一级」: a leader answers for the branches in their
portfolio, so a team member logs and moves problems at the organizations they link today,
not at every branch of the banner.
"""

from dangjian.accounts.models import Role
from dangjian.accounts.policy import ADMIN, READERS, Access, declare

from .models import Problem, VolunteerTeam

_KEEP = Access(ADMIN | {Role.BRANCH_SECRETARY}, linked=frozenset({Role.LEADER}))

declare(Problem, reach="organization__path", linked_org="organization", actions={
    "view": Access(READERS),
    "add": _KEEP,
    "change": _KEEP,
    "reopen": Access(ADMIN),  # a closed problem opens again only by the department, with a reason
})
declare(VolunteerTeam, reach="organization__path", actions={
    "view": Access(READERS),
    "add": Access(ADMIN),
    "change": Access(ADMIN),
})
