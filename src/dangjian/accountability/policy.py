"""Who sees a case: its person, its handler, and the department and supervisors over its unit.

「书记抓书记、一级抓一级」: a case is the business of the person it names and of the one the
chain says must act (the handler), wherever either sits; the organization department
(组织部管理员) and the supervisors (督查) read every case whose unit lies in their scope.
Supervisors read and write findings; they never change a case. Leaders and branch
secretaries read the cases that are theirs (as person or as handler), not their colleagues'.
"""

from django.db.models import Q

from dangjian.accounts.policy import ADMIN, READERS, SUPERVISORS, Access, declare
from dangjian.orgs.models import Organization

from .models import Case, CaseStepReached, Sweep


def _handled_by_me(prefix=""):
    def extra(user, scope, action):
        person = scope.person
        if person is None or action not in ("view", "change"):
            return Q(pk__in=[])
        return Q(**{f"{prefix}handler": person.pk})
    return extra


declare(Case, reach="unit__path", owner="person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
    "change": Access(ADMIN),  # and its handler (the human steps, later); supervisors never
}, extra=[_handled_by_me()])
# A step of the history is its case's: whoever sees the case sees its history.
declare(CaseStepReached, reach="case__unit__path", owner="case__person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
}, extra=[_handled_by_me("case__")])


def _whole_tree(paths):
    """A sweep runs over the whole tree: it lies in a scope that starts at a root."""
    return Q() if any(len(p) == Organization.steplen for p in paths) else Q(pk__in=[])


declare(Sweep, reach=_whole_tree, actions={"view": Access(SUPERVISORS)})
