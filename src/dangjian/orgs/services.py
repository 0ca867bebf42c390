"""Every change to the organization tree: validated, audited, checked against the scope, in one transaction.

The messages stay Chinese msgids here (the API returns them as they are; the pages
translate them through web.generic.apply_errors).
"""

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import allows, allows_at, ensure
from dangjian.audit.services import record
from dangjian.records.locks import serialize

from .models import Domain, Organization, OrgKind, Tier, TierRating

CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
EARLIEST = date(1921, 7, 1)  # no branch was rated before the Party was founded


def snapshot(org):
    parent = Organization.objects.get_parent(org) if org.depth > 1 else None
    return {"code": org.code, "name": org.name, "kind": org.kind, "domain": org.domain,
            "parent": parent.code if parent else None}


def _check_fields(name, kind, domain, code=None, instance=None):
    errors = {}
    if code is not None:
        if not CODE_RE.match(code or ""):
            errors["code"] = ValidationError(gettext_noop("组织编码只能由字母、数字、- 和 _ 组成（最长 64 位）"),
                                             code="invalid")
        elif Organization.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["code"] = ValidationError(gettext_noop("组织编码“%(code)s”已被使用"), code="taken",
                                             params={"code": code})
    if not (name or "").strip():
        errors["name"] = ValidationError(gettext_noop("请填写组织名称"), code="required")
    elif len(name) > 200:
        errors["name"] = ValidationError(gettext_noop("组织名称不能超过 200 字"), code="too_long")
    if kind not in OrgKind.values:
        errors["kind"] = ValidationError(gettext_noop("请选择组织类型"), code="invalid")
    if domain and domain not in Domain.values:
        errors["domain"] = ValidationError(gettext_noop("所属领域无效"), code="invalid")
    elif kind == OrgKind.BRANCH and not domain:
        errors["domain"] = ValidationError(gettext_noop("党支部须填写所属领域"), code="required")
    if instance is not None and kind == OrgKind.BRANCH and instance.kind != OrgKind.BRANCH \
            and instance.numchild:  # its children, as treebeard counts them
        errors["kind"] = ValidationError(gettext_noop("该组织有下级组织，不能改为党支部"), code="has_children")
    if errors:
        raise ValidationError(errors)


def _check_parent(parent, field="parent"):
    if parent is None:
        raise ValidationError({field: ValidationError(gettext_noop("请选择上级组织"), code="required")})
    if parent.kind == OrgKind.BRANCH:
        raise ValidationError({field: ValidationError(gettext_noop("党支部之下不能再设组织"), code="branch")})


@transaction.atomic
def add_organization(user, parent, code, name, kind, domain=""):
    """A new organization under ``parent`` (the department adds below the units it keeps)."""
    _check_parent(parent)
    if not allows_at(user, "add", Organization, parent):
        raise PermissionDenied
    code, name = (code or "").strip(), (name or "").strip()
    serialize(f"organization-code:{code}")  # the code's check and its insert, one writer at a time
    _check_fields(name, kind, domain, code=code)
    parent = Organization.objects.get(pk=parent.pk)  # treebeard needs the parent's current numchild
    org = Organization.objects.add_child(parent, {"code": code, "name": name, "kind": kind,
                                                  "domain": domain or ""})
    ensure(user, "add", org)
    record("organization added", actor=user, obj=org, organization=org, after=snapshot(org))
    return org


@transaction.atomic
def change_organization(user, org, name, kind, domain=""):
    """Rename, or change its kind or domain; the code stays (other records and workbooks name it)."""
    if not allows(user, "change", org):
        raise PermissionDenied
    name = (name or "").strip()
    _check_fields(name, kind, domain, instance=org)
    before = snapshot(org)
    org.name, org.kind, org.domain = name, kind, domain or ""
    org.save(update_fields=["name", "kind", "domain", "updated_at"])
    ensure(user, "change", org)
    record("organization changed", actor=user, obj=org, organization=org, before=before, after=snapshot(org))
    return org


@transaction.atomic
def move_organization(user, org, new_parent):
    """Put ``org`` (with its whole subtree) under ``new_parent``: never into its own subtree.

    Both ends must be the user's: the organization as it was, and where it lands (checked
    again after the move; a move outside the user's subtree is rolled back).
    """
    if not allows(user, "change", org):
        raise PermissionDenied
    _check_parent(new_parent)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": ValidationError(gettext_noop("不能移到本组织或其下级组织之下"),
                                                         code="own_subtree")})
    before = snapshot(org)
    if before["parent"] == new_parent.code:
        return org
    if not allows_at(user, "add", Organization, new_parent):
        raise PermissionDenied
    org = Organization.objects.get(pk=org.pk)
    Organization.objects.move(org, new_parent, pos="last-child")
    org = Organization.objects.get(pk=org.pk)  # treebeard rewrote the paths behind the instance
    ensure(user, "change", org)
    record("organization moved", actor=user, obj=org, organization=org, before=before, after=snapshot(org))
    return org


@transaction.atomic
def rate_tier(user, org, tier, rated_on):
    """「扩大先进支部增量、提升中间支部水平、整顿后进支部」: a new tier from a date on.

    Adds an entry to the branch's history; an entry already made for that day is not
    overwritten (the history is never erased).
    """
    if not allows_at(user, "add", TierRating, org):
        raise PermissionDenied
    serialize(f"tier:{org.pk}")  # two ratings for the same day at once: the second is told, not a 500
    errors = {}
    if org.kind != OrgKind.BRANCH:
        errors["tier"] = ValidationError(gettext_noop("只有党支部定级"), code="not_branch")
    elif tier not in Tier.values:
        errors["tier"] = ValidationError(gettext_noop("请选择支部等次"), code="invalid")
    if rated_on is None:
        errors["rated_on"] = ValidationError(gettext_noop("请填写定级日期"), code="required")
    elif rated_on > timezone.localdate():
        errors["rated_on"] = ValidationError(gettext_noop("定级日期不能晚于今天"), code="future")
    elif rated_on < EARLIEST:
        errors["rated_on"] = ValidationError(gettext_noop("定级日期不能早于 %(earliest)s"), code="too_early",
                                             params={"earliest": EARLIEST.isoformat()})
    elif TierRating.objects.filter(organization=org, rated_on=rated_on).exists():
        errors["rated_on"] = ValidationError(gettext_noop("%(date)s 已有定级记录（定级历史不可改写）"),
                                             code="taken", params={"date": rated_on.isoformat()})
    if errors:
        raise ValidationError(errors)
    rating = TierRating.objects.create(organization=org, tier=tier, rated_on=rated_on)
    ensure(user, "add", rating)
    record("branch tier rated", actor=user, obj=rating, organization=org,
           after={"tier": tier, "rated_on": rated_on.isoformat()})
    return rating
