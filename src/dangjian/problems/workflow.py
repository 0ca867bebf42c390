"""The ledger's transition table: 待办理 → 办理中 → 已办结, and back to 办理中 only by the department.

「民生问题台账…从发现到办结」: a problem is taken up, then closed with a note of what was done
and the day it was done; one fixed on the spot is closed straight from 待办理. Closing is
confirmed on purpose, so a done problem is not reopened by accident: only the organization
department reopens one, and says why. Each permission is one line here (the lead swaps them
for the policy table).
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import allows
from dangjian.workflow import Transition, Workflow

from .models import Problem, ProblemStatus as S

EARLIEST = date(2000, 1, 1)
NOTE_MAX = 2000

# Who may take each step: the policy table's actions on the problem (problems/policy.py).
may_take_up = lambda user, problem: allows(user, "change", problem)  # noqa: E731
may_complete = lambda user, problem: allows(user, "change", problem)  # noqa: E731
may_reopen = lambda user, problem: allows(user, "reopen", problem)  # noqa: E731


def snapshot(problem):
    return {"code": problem.code, "organization": problem.organization.code, "category": problem.category,
            "description": problem.description, "found_on": problem.found_on.isoformat(),
            "status": problem.status, "completed_on": problem.completed_on.isoformat() if problem.completed_on else None,
            "completion_note": problem.completion_note,
            "team": problem.team.name if problem.team else None}


def _completion_refused(problem, data):
    errors = {}
    if len(data["completion_note"]) > NOTE_MAX:
        errors["completion_note"] = gettext_noop("办结说明不能超过 2000 字")
    day = data["completed_on"]
    if day > timezone.localdate():
        errors["completed_on"] = gettext_noop("办结日期不能晚于今天")
    elif day < EARLIEST:
        errors["completed_on"] = gettext_noop("办结日期不能早于 2000-01-01")
    elif day < problem.found_on:
        errors["completed_on"] = gettext_noop("办结日期不能早于发现日期")
    return errors


def _reopen_refused(problem, data):
    return {"reason": gettext_noop("理由不能超过 2000 字")} if len(data["reason"]) > NOTE_MAX else None


def _completed(problem, data):
    problem.completed_on, problem.completion_note = data["completed_on"], data["completion_note"]


def _reopened(problem, data):
    problem.completed_on, problem.completion_note = None, ""  # the old note stays in the audit trail


COMPLETE_NEEDS = {"confirm": gettext_noop("请确认办结"), "completion_note": gettext_noop("请填写办结说明"),
                  "completed_on": gettext_noop("请填写办结日期")}

PROBLEMS = Workflow(Problem, "status", [
    Transition("take_up", gettext_noop("开始办理"), (S.PENDING,), S.IN_PROGRESS, "problem taken up",
               permission=may_take_up),
    Transition("complete", gettext_noop("办结"), (S.PENDING, S.IN_PROGRESS), S.DONE, "problem completed",
               permission=may_complete, requires=COMPLETE_NEEDS, guard=_completion_refused, apply=_completed),
    Transition("reopen", gettext_noop("重新办理"), (S.DONE,), S.IN_PROGRESS, "problem reopened",
               permission=may_reopen, requires={"reason": gettext_noop("请填写重新办理的理由")},
               guard=_reopen_refused, apply=_reopened, recorded=("reason",)),
], snapshot=snapshot, related=("organization", "team"))
