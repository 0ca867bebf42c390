"""Who sees a case: its person, its handler, and the department and supervisors over its unit.

「书记抓书记、一级抓一级」: a case is the business of the person it names and of the one the
chain says must act (the handler), wherever either sits; the organization department
(组织部管理员) and the supervisors (督查) read every case whose unit lies in their scope.
Supervisors read and write findings (one about a case, from its page: ``CaseFinding``); they never
change a case. Leaders and branch
secretaries read the cases that are theirs (as person or as handler), not their colleagues'.

The human steps (accountability/workflow.py) are actions here: the handler (and the
department) records the talks and the 批评教育 and reviews the evidence; the person reports
their rectification and appeals; the department alone moves a case up by hand, closes one as
不予问责 and answers an appeal. A supervisor takes none of them.
"""

from django.db.models import Q

from dangjian.accounts.policy import ADMIN, READERS, SUPERVISORS, Access, declare
from dangjian.orgs.models import Organization

from .models import Case, CaseAttachment, CaseFinding, CaseRecord, CaseStepReached, Sweep

HANDLER_ACTIONS = ("view", "change", "hold_talk", "review", "criticize")  # what a case's handler may do on it
PERSONS = Access(own=READERS, own_anywhere=True)  # the case's own person, wherever they sit


def _handled_by_me(prefix=""):
    def extra(user, scope, action):
        person = scope.person
        if person is None or action not in HANDLER_ACTIONS:
            return Q(pk__in=[])
        return Q(**{f"{prefix}handler": person.pk})
    return extra


declare(Case, reach="unit__path", owner="person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
    "change": Access(ADMIN),  # and its handler; supervisors never
    "hold_talk": Access(ADMIN),  # and its handler: 提醒谈话, 约谈
    "review": Access(ADMIN),  # and its handler: accept or send back the evidence
    "criticize": Access(ADMIN),  # and its handler: record the 批评教育
    "report_rectification": PERSONS,
    "appeal": PERSONS,
    "escalate": Access(ADMIN),  # 「党员群众反映强烈」
    "dismiss": Access(ADMIN),  # 不予问责
    "answer_appeal": Access(ADMIN),
}, extra=[_handled_by_me()])
# A step of the history is its case's: whoever sees the case sees its history.
declare(CaseStepReached, reach="case__unit__path", owner="case__person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
}, extra=[_handled_by_me("case__")])
# The paperwork and its files are the case's too: whoever sees the case sees them, nobody else
# (attachment ids are sequential, so the file view asks this, never MEDIA_URL).
declare(CaseRecord, reach="case__unit__path", owner="case__person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
}, extra=[_handled_by_me("case__")])
declare(CaseAttachment, reach="record__case__unit__path", owner="record__case__person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
}, extra=[_handled_by_me("record__case__")])
# A finding recorded about a case: the link is the case's, so whoever sees the case sees it (and,
# on the case's page, the finding's text and status), its person and its handler included. Who may
# record one is compliance's rule (Finding "add" at the case's organization), checked by the service.
declare(CaseFinding, reach="case__unit__path", owner="case__person", actions={
    "view": Access(SUPERVISORS, own=READERS, own_anywhere=True),
}, extra=[_handled_by_me("case__")])


def _whole_tree(paths):
    """A sweep runs over the whole tree: it lies in a scope that starts at a root."""
    return Q() if any(len(p) == Organization.steplen for p in paths) else Q(pk__in=[])


declare(Sweep, reach=_whole_tree, actions={"view": Access(SUPERVISORS)})
