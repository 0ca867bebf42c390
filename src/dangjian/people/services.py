"""Every change to persons and their posts: validated, audited, checked against the scope, in one transaction.

The 身份证号 and 手机号 follow the import's rules (people.validators), so a record
typed in the browser and one read from a workbook are held to the same standard. The
audit keeps them masked: the trail is read more widely than the record.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import allows, allows_at, ensure, may
from dangjian.audit.services import record
from dangjian.records.locks import serialize

from .models import Person, Post, PostRole, mask_id_card, mask_mobile
from .validators import _MOBILE_RE as MOBILE_RE, id_card_check_digit, id_card_error

EARLIEST = date(1949, 10, 1)


def _person_snapshot(person):
    return {"name": person.name, "id_card": mask_id_card(person.id_card), "mobile": mask_mobile(person.mobile)}


def id_card_problem(value):
    """Why a 身份证号 fails GB 11643 (the import's id_card_error), as a translatable ValidationError."""
    if not value or id_card_error(value) is None:
        return None
    value = value.upper()
    if len(value) != 18:
        return ValidationError(gettext_noop("身份证号应为 18 位，实际 %(count)d 位"), code="length",
                               params={"count": len(value)})
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return ValidationError(gettext_noop("身份证号前 17 位应为数字，最后一位为数字或 X"), code="format")
    return ValidationError(gettext_noop("身份证号校验位错误（应为 %(digit)s）"), code="check_digit",
                           params={"digit": id_card_check_digit(value[:17])})


@transaction.atomic
def change_person(user, person, name, id_card="", mobile=""):
    """``id_card``/``mobile`` None: the number held stays (a form that did not show it)."""
    if not allows(user, "change", person):
        raise PermissionDenied
    id_card = person.id_card if id_card is None else id_card
    mobile = person.mobile if mobile is None else mobile
    name, id_card, mobile = (name or "").strip(), (id_card or "").strip().upper(), (mobile or "").strip()
    errors = {}
    if not name:
        errors["name"] = ValidationError(gettext_noop("请填写姓名"), code="required")
    elif len(name) > 100:
        errors["name"] = ValidationError(gettext_noop("姓名不能超过 100 字"), code="too_long")
    if problem := id_card_problem(id_card):
        errors["id_card"] = problem
    if mobile and not MOBILE_RE.match(mobile):
        errors["mobile"] = ValidationError(gettext_noop("手机号应为 1 开头的 11 位数字"), code="format")
    if errors:
        raise ValidationError(errors)
    before = _person_snapshot(person)
    person.name, person.id_card, person.mobile = name, id_card, mobile
    person.save(update_fields=["name", *person.SEALED_COLUMNS, "updated_at"])
    ensure(user, "change", person)
    record("person changed", actor=user, obj=person, before=before, after=_person_snapshot(person))
    return person


@transaction.atomic
def reveal_numbers(user, person, reason="page"):
    """The full 身份证号 and 手机号 of ``person`` for an administrator ("reveal"), each reveal audited.

    The audit names what was shown, never the numbers themselves.
    """
    if not allows(user, "reveal", person):
        raise PermissionDenied
    shown = {k: v for k, v in _person_snapshot(person).items() if k != "name" and v}  # masked: which ones
    record("person numbers revealed", actor=user, obj=person, after={**shown, "shown_via": reason},
           data_changed=False)  # a read: the cached figures stay
    return {"id_card": person.id_card, "mobile": person.mobile}


@transaction.atomic
def export_people(user, queryset, path, full=False):
    """The directory of ``queryset`` as a workbook at ``path``, audited. ``full``: the full numbers, for an
    administrator ("reveal"), of the persons they may reveal (the others stay masked)."""
    from .exports import people_to_xlsx

    revealable = frozenset()
    if full:
        if not may(user, "reveal", Person):
            raise PermissionDenied
        revealable = frozenset(Person.objects.visible_to(user, "reveal").filter(pk__in=queryset.values("pk"))
                               .values_list("pk", flat=True))
    count = people_to_xlsx(queryset, path, revealable)
    record("people exported", actor=user, after={"people_count": count, "full_numbers": bool(full),
                                                 "shown_via": "export"}, data_changed=False)
    return count


def _post_snapshot(post):
    return {"person": post.person.code, "organization": post.organization.code, "role": post.role,
            "start_date": post.start_date.isoformat() if post.start_date else None,
            "end_date": post.end_date.isoformat() if post.end_date else None}


@transaction.atomic
def appoint(user, person, organization, role, start_date):
    """A post in ``organization``'s leadership team from ``start_date`` on (任职)."""
    if not allows_at(user, "add", Post, organization):
        raise PermissionDenied
    errors = {}
    if person is None:
        errors["person"] = ValidationError(gettext_noop("请选择人员"), code="required")
    if role not in PostRole.values:
        errors["role"] = ValidationError(gettext_noop("请选择职务"), code="invalid")
    if start_date is None:
        errors["start_date"] = ValidationError(gettext_noop("请填写任职日期"), code="required")
    elif start_date < EARLIEST:
        errors["start_date"] = ValidationError(gettext_noop("任职日期不能早于 %(earliest)s"), code="too_early",
                                               params={"earliest": EARLIEST.isoformat()})
    if errors:
        raise ValidationError(errors)
    serialize(f"post:{person.pk}:{organization.pk}")  # the holding check and the insert, one writer at a time
    holding = Post.objects.filter(person=person, organization=organization, role=role).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if holding.exists():
        raise ValidationError({"person": ValidationError(gettext_noop("该人员已在本组织担任此职务"), code="holding")})
    post = Post.objects.create(person=person, organization=organization, role=role, start_date=start_date)
    ensure(user, "add", post)
    record("post appointed", actor=user, obj=post, organization=organization, after=_post_snapshot(post))
    return post


@transaction.atomic
def end_post(user, post, end_date):
    """The post ends on ``end_date`` (免职日期); the record stays, as history."""
    if not allows(user, "change", post):
        raise PermissionDenied
    if end_date is None:
        raise ValidationError({"end_date": ValidationError(gettext_noop("请填写免职日期"), code="required")})
    if post.start_date and end_date < post.start_date:
        raise ValidationError({"end_date": ValidationError(gettext_noop("免职日期早于任职日期"), code="before_start")})
    if post.end_date is not None:
        raise ValidationError({"end_date": ValidationError(gettext_noop("该职务已于 %(date)s 免职"), code="ended",
                                                           params={"date": post.end_date.isoformat()})})
    before = _post_snapshot(post)
    post.end_date = end_date
    post.save(update_fields=["end_date"])
    ensure(user, "change", post)
    record("post ended", actor=user, obj=post, organization=post.organization, before=before,
           after=_post_snapshot(post))
    return post
