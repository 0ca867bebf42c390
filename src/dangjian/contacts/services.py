"""Every change to contact links and activities: validated, audited, in one transaction.

The validation messages stay Chinese here (the API returns them as they are); gettext_noop
only puts them in the catalog, and the pages translate them (contacts.views._apply_errors).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from dangjian.accounts.scope import Scope
from dangjian.audit.services import record

from .models import Activity, ActivityPhoto, ContactLink


def _snapshot(link):
    return {"person": link.person.code, "organization": link.organization.code, "kind": link.kind,
            "start_date": link.start_date.isoformat() if link.start_date else None,
            "end_date": link.end_date.isoformat() if link.end_date else None}


@transaction.atomic
def set_up_link(user, person, organization, kind, start_date=None, end_date=None):
    if not Scope.of(user).can_edit_link(person, organization):
        raise PermissionDenied
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": gettext_noop("结束日期早于开始日期")})
    if ContactLink.objects.filter(person=person, organization=organization, kind=kind, start_date=start_date).exists():
        raise ValidationError({"organization": gettext_noop("已有同一开始日期的相同联系记录")})
    link = ContactLink.objects.create(person=person, organization=organization, kind=kind,
                                      start_date=start_date, end_date=end_date)
    record("contact link set up", actor=user, obj=link, organization=organization, after=_snapshot(link))
    return link


@transaction.atomic
def change_link(user, link, kind, start_date, end_date):
    if not Scope.of(user).can_edit_link(link.person, link.organization):
        raise PermissionDenied
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": gettext_noop("结束日期早于开始日期")})
    clash = ContactLink.objects.filter(person=link.person, organization=link.organization, kind=kind,
                                       start_date=start_date).exclude(pk=link.pk)
    if clash.exists():
        raise ValidationError({"start_date": gettext_noop("已有同一开始日期的相同联系记录")})
    before = _snapshot(link)
    link.kind, link.start_date, link.end_date = kind, start_date, end_date
    link.save(update_fields=["kind", "start_date", "end_date"])
    record("contact link changed", actor=user, obj=link, organization=link.organization, before=before,
           after=_snapshot(link))
    return link


@transaction.atomic
def end_link(user, link, end_date):
    if not Scope.of(user).can_edit_link(link.person, link.organization):
        raise PermissionDenied
    if link.start_date and end_date < link.start_date:
        raise ValidationError({"end_date": gettext_noop("结束日期早于开始日期")})
    before = _snapshot(link)
    link.end_date = end_date
    link.save(update_fields=["end_date"])
    record("contact link ended", actor=user, obj=link, organization=link.organization, before=before,
           after=_snapshot(link))
    return link


@transaction.atomic
def log_activity(user, person, organization, date, kind, content="", photos=()):
    if not Scope.of(user).can_edit_link(person, organization):
        raise PermissionDenied
    activity = Activity.objects.create(person=person, organization=organization, date=date, kind=kind,
                                       content=content)
    for photo in photos:
        ActivityPhoto.objects.create(activity=activity, image=photo)
    record("activity logged", actor=user, obj=activity, organization=organization,
           after={"person": person.code, "organization": organization.code, "date": date.isoformat(),
                  "kind": kind, "content": content, "photos": len(photos)})
    return activity
