"""Every change to contact links and activities: validated, audited, in one transaction.

The validation messages stay Chinese here (the API returns them as they are); gettext_noop
only puts them in the catalog, and the pages translate them (web.generic.apply_errors).
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import allows, allows_at, ensure
from dangjian.audit.services import record
from dangjian.records.locks import serialize
from dangjian.records.tenure import ends_before_start
from dangjian.records.uploads import stored_name

from . import photos as photo_files
from .models import Activity, ActivityPhoto, ContactLink
from .validators import CONTENT_MAX, LINK_END_BEFORE_START

# The contact-point system's records begin this century: an earlier date is a typing
# error (0001-01-01, 1026 for 2026), not history. Links may be entered up to a year
# ahead (a planned hand-over); activities are what happened, so never after today.
EARLIEST = date(2000, 1, 1)
LINK_DAYS_AHEAD = 366


# Whole sentences per field, so that each has its own entry in the catalog.
_TOO_EARLY = {"start_date": gettext_noop("开始日期不能早于 %(earliest)s"),
              "end_date": gettext_noop("结束日期不能早于 %(earliest)s")}
_TOO_LATE = {"start_date": gettext_noop("开始日期不能晚于 %(latest)s（最多提前一年）"),
             "end_date": gettext_noop("结束日期不能晚于 %(latest)s（最多提前一年）")}


def _link_date_errors(field, value):
    if value is None:
        return {}
    latest = timezone.localdate() + timedelta(days=LINK_DAYS_AHEAD)
    if value < EARLIEST:
        return {field: ValidationError(_TOO_EARLY[field], code="too_early",
                                       params={"earliest": EARLIEST.isoformat()})}
    if value > latest:
        return {field: ValidationError(_TOO_LATE[field], code="too_late", params={"latest": latest.isoformat()})}
    return {}


def _check_link_dates(start_date=None, end_date=None, *, check_start=True, check_end=True):
    """Both dates inside the range, and the end not before the start."""
    errors = {}
    if check_start:
        errors.update(_link_date_errors("start_date", start_date))
    if check_end:
        errors.update(_link_date_errors("end_date", end_date))
    if errors:
        raise ValidationError(errors)
    if ends_before_start(start_date, end_date):
        raise ValidationError({"end_date": LINK_END_BEFORE_START})


def _check_activity(date_, content):
    errors = {}
    if date_ > timezone.localdate():
        errors["date"] = ValidationError(gettext_noop("活动日期不能晚于今天"), code="future")
    elif date_ < EARLIEST:
        errors["date"] = ValidationError(gettext_noop("活动日期不能早于 %(earliest)s"), code="too_early",
                                         params={"earliest": EARLIEST.isoformat()})
    if len(content or "") > CONTENT_MAX:
        errors["content"] = ValidationError(gettext_noop("内容不能超过 %(max)d 字（现有 %(count)d 字）"),
                                            code="too_long", params={"max": CONTENT_MAX, "count": len(content)})
    if errors:
        raise ValidationError(errors)


def _snapshot(link):
    return {"person": link.person.code, "organization": link.organization.code, "kind": link.kind,
            "start_date": link.start_date.isoformat() if link.start_date else None,
            "end_date": link.end_date.isoformat() if link.end_date else None}


@transaction.atomic
def set_up_link(user, person, organization, kind, start_date=None, end_date=None):
    if not allows_at(user, "add", ContactLink, organization, person=person):
        raise PermissionDenied
    _check_link_dates(start_date, end_date)
    # Two identical submissions at once: the second waits, then finds the first (a message, not a 500).
    serialize(f"contact-link:{person.pk}:{organization.pk}")
    if ContactLink.objects.filter(person=person, organization=organization, kind=kind, start_date=start_date).exists():
        raise ValidationError({"organization": gettext_noop("已有同一开始日期的相同联系记录")})
    link = ContactLink.objects.create(person=person, organization=organization, kind=kind,
                                      start_date=start_date, end_date=end_date)
    ensure(user, "add", link)
    record("contact link set up", actor=user, obj=link, organization=organization, after=_snapshot(link))
    return link


@transaction.atomic
def change_link(user, link, kind, start_date, end_date):
    if not allows(user, "change", link):
        raise PermissionDenied
    # Only a date being changed must lie in the range: an old imported start stays editable.
    _check_link_dates(start_date, end_date, check_start=start_date != link.start_date,
                      check_end=end_date != link.end_date)
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
    if not allows(user, "change", link):
        raise PermissionDenied
    _check_link_dates(link.start_date, end_date, check_start=False)
    before = _snapshot(link)
    link.end_date = end_date
    link.save(update_fields=["end_date"])
    record("contact link ended", actor=user, obj=link, organization=link.organization, before=before,
           after=_snapshot(link))
    return link


@transaction.atomic
def log_activity(user, person, organization, date, kind, content="", photos=()):
    if not allows_at(user, "add", Activity, organization, person=person):
        raise PermissionDenied
    photos = list(photos or ())
    _check_activity(date, content)
    try:
        kinds = photo_files.UPLOADS.validate(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.error_list})
    activity = Activity.objects.create(person=person, organization=organization, date=date, kind=kind,
                                       content=content)
    ensure(user, "add", activity)
    for photo, photo_kind in zip(photos, kinds):
        stored = ActivityPhoto(activity=activity)
        # Saved under a generated name with the extension the bytes call for (never the upload's name).
        stored.image.save(stored_name(photo_kind), photo, save=True)
    record("activity logged", actor=user, obj=activity, organization=organization,
           after={"person": person.code, "organization": organization.code, "date": date.isoformat(),
                  "kind": kind, "content": content, "photos": len(photos)})
    return activity


def photo_downloaded(user, photo):
    """The audit of one activity photo served (the photos show people and places)."""
    record("activity photo downloaded", actor=user, obj=photo, organization=photo.activity.organization,
           data_changed=False)
