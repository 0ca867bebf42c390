"""Supervisors' findings: recorded, answered and followed up, audited, each in one transaction.

DOMAIN §4: supervisors read, they record and follow up their findings, they never edit
branch records; the branch side answers. The status moves only through the table in
compliance/workflow.py.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import ensure
from dangjian.audit.services import record
from dangjian.notices.services import notify

from .models import Finding, FindingReply
from .workflow import FINDINGS, TEXT_MAX


@transaction.atomic
def record_finding(user, organization, text, person=None):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": gettext_noop("督查意见为空，未记录")})
    if len(text) > TEXT_MAX:
        # The params go with the message itself: a dict's values take none (the API said "%(max)d").
        raise ValidationError({"text": ValidationError(gettext_noop("督查意见不能超过 %(max)d 字"),
                                                       params={"max": TEXT_MAX})})
    finding = Finding.objects.create(organization=organization, person=person, author=user, text=text)
    ensure(user, "add", finding)
    record("finding recorded", actor=user, obj=finding, organization=organization,
           after={"text": text, "person": person.code if person else None, "status": finding.status})
    if person is not None:  # a finding naming a person is said to them (the branch reads it on its page)
        notify([(person.pk, organization.pk, "finding recorded", gettext_noop("%(org)s 有一条涉及您的督查意见"),
                 {"org": organization.name}, reverse("compliance:finding_detail", args=[finding.pk]))])
    return finding


@transaction.atomic
def reply_to_finding(user, finding, text):
    """The branch side answers: a reply row and the step ``reply`` (audited with its text)."""
    finding = FINDINGS.run(user, finding, "reply", reply=text)
    reply = FindingReply.objects.create(finding=finding, author=user, text=(text or "").strip())
    return finding, reply


def follow_up(user, finding, step, **data):
    """The supervisor's steps: ``close`` (销号, an optional ``note``) or ``reopen`` (a ``reason``)."""
    if step not in ("close", "reopen"):
        raise ValidationError(gettext_noop("没有这一操作"))
    return FINDINGS.run(user, finding, step, **data)


def record_export(result, *, actor=None, label="", organization=None, rule="", fmt="xlsx"):
    """The audit of one export of the check (the page's workbook, ``dangjian check --format xlsx``, the API)."""
    record("rule check exported", actor=actor, label=label, organization=organization, data_changed=False,
           after={"as_of": str(result.as_of), "scope": result.scope or "", "rule": rule or "",
                  "rows": len(result.violations), "format": fmt})
