"""A finding's transition table: 待回复 → 已回复 → 已销号, and 已回复 → 待回复 when not satisfied.

「督查…不包办」: the supervisor records a finding and follows it up; the branch side answers
it. Answering (``reply``) is a step of its own, open to the branch (its secretary, the
leaders linking it, the department): it keeps the finding 已回复 and may be taken again
while the finding is open or answered (several replies). Closing (``close``, 销号) and
sending back (``reopen``, with the reason) belong to the supervisor (and the department);
a closed finding stays closed. Each permission is the policy's (compliance/policy.py).
"""

from django.utils import timezone
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import allows
from dangjian.workflow import Transition, Workflow

from .models import Finding, FindingStatus as S

TEXT_MAX = 5000

may_reply = lambda user, finding: allows(user, "reply", finding)  # noqa: E731
may_follow_up = lambda user, finding: allows(user, "change", finding)  # noqa: E731


def snapshot(finding):
    return {"organization": finding.organization.code, "person": finding.person.code if finding.person else None,
            "text": finding.text, "status": finding.status}


def _too_long(name, message):
    return lambda finding, data: {name: message} if len(data.get(name) or "") > TEXT_MAX else None


def _replied(finding, data):
    finding.replied_at = timezone.now()


def _closed(finding, data):
    finding.closed_at = timezone.now()


FINDINGS = Workflow(Finding, "status", [
    Transition("reply", gettext_noop("回复"), (S.OPEN, S.REPLIED), S.REPLIED, "finding replied",
               permission=may_reply, requires={"reply": gettext_noop("请填写回复内容")},
               guard=_too_long("reply", gettext_noop("回复不能超过 5000 字")), apply=_replied, recorded=("reply",)),
    Transition("close", gettext_noop("销号"), (S.REPLIED,), S.CLOSED, "finding closed",
               permission=may_follow_up, guard=_too_long("note", gettext_noop("说明不能超过 5000 字")),
               apply=_closed, recorded=("note",)),
    Transition("reopen", gettext_noop("退回重新回复"), (S.REPLIED,), S.OPEN, "finding reopened",
               permission=may_follow_up, requires={"reason": gettext_noop("请填写退回的理由")},
               guard=_too_long("reason", gettext_noop("理由不能超过 5000 字")), recorded=("reason",)),
], snapshot=snapshot, related=("organization", "person"))
