"""Keeping the ledger from the browser: a problem is logged, then moved on by its table; each step audited.

The import fills the ledger in bulk; these are the same records kept one at a time by
the people at the branch (支部书记), the leaders linked to it and the department.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.policy import allows_at, ensure
from dangjian.audit.services import record
from dangjian.records.locks import serialize

from .models import Problem, ProblemStatus
from .workflow import EARLIEST, PROBLEMS, snapshot
from .validators import DESCRIPTION_MAX


def _check_day(day, field, label):
    today = timezone.localdate()
    if day > today:
        raise ValidationError({field: f"{label}不能晚于今天"})
    if day < EARLIEST:
        raise ValidationError({field: f"{label}不能早于 {EARLIEST.isoformat()}"})


def _new_code(found_on):
    """W + the day found + a running number: apart from the workbook's own codes."""
    prefix = f"W{found_on:%Y%m%d}-"
    taken = set(Problem.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def log_problem(user, organization, category, description, found_on, team=None):
    if not allows_at(user, "add", Problem, organization):
        raise PermissionDenied("您无权在该组织登记民生问题")
    category, description = (category or "").strip(), (description or "").strip()
    if not category:
        raise ValidationError({"category": "请填写问题类别"})
    if len(category) > 100:
        raise ValidationError({"category": "问题类别不能超过 100 个字符"})
    if not description:
        raise ValidationError({"description": "请填写问题描述"})
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": f"问题描述不能超过 {DESCRIPTION_MAX} 个字符"})
    _check_day(found_on, "found_on", "发现日期")
    with transaction.atomic():
        # The running number is read and taken under a lock per day: simultaneous logs queue
        # for it (a few milliseconds each) instead of colliding on the unique code.
        serialize(f"problem-code:{found_on:%Y%m%d}")
        problem = Problem.objects.create(
            code=_new_code(found_on), organization=organization, category=category,
            description=description, found_on=found_on, status=ProblemStatus.PENDING, team=team)
        ensure(user, "add", problem)
        record("problem logged", actor=user, obj=problem, organization=organization, after=snapshot(problem))
        return problem


def transition(user, problem, name, **data):
    """Take one step of the ledger's table (problems/workflow.py): the only way a status changes."""
    return PROBLEMS.run(user, problem, name, **data)


def record_report_export(scope, *, actor=None, label="命令行"):
    """The audit of one export of the problems report (``dangjian report problems --format xlsx``)."""
    record("problem report exported", actor=actor, label=label, organization=scope, data_changed=False,
           after={"scope": scope.code if scope else "", "format": "xlsx"})
