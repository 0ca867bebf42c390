"""Supervisors' findings: recorded, audited, in one transaction (DOMAIN §4: they read, they record, they never edit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import ensure
from dangjian.audit.services import record

from .models import Finding

TEXT_MAX = 5000


@transaction.atomic
def record_finding(user, organization, text, person=None):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": gettext_noop("督查意见为空，未记录")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": gettext_noop("督查意见不能超过 %(max)d 字")}, params={"max": TEXT_MAX})
    finding = Finding.objects.create(organization=organization, person=person, author=user, text=text)
    ensure(user, "add", finding)
    record("finding recorded", actor=user, obj=finding, organization=organization, after={"text": text})
    return finding
