"""Compliance's to-dos: the supervisors' findings awaiting the user's reply."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from dangjian.accounts.models import Role
from dangjian.accounts.scope import Scope
from dangjian.ui.todos import Source, Todo, register

from .models import Finding, FindingStatus

EXCERPT = 40


def _findings_to_reply(user, person, today):
    """Open findings at the user's own branches (支部书记), at the organizations they link today, or naming them.

    Not every open finding a department administrator could reply to: the list is the user's own.
    """
    scope = Scope.of(user)
    own = Q(organization__in=[org.pk for role, org in scope.grants if role == Role.BRANCH_SECRETARY])
    if person is not None:
        own |= Q(person=person) | Q(organization__in=scope.linked_org_ids())
    findings = (Finding.objects.visible_to(user, "reply").filter(own, status=FindingStatus.OPEN)
                .select_related("organization").order_by("created_at", "id"))
    return [Todo(
        title=gettext("回复督查意见：%(org)s") % {"org": f.organization.name},
        url=reverse("compliance:finding_detail", args=[f.pk]),
        detail=f.text if len(f.text) <= EXCERPT else f.text[:EXCERPT] + "…",
    ) for f in findings[:100]]


register(Source("findings", _("待回复的督查意见"), _findings_to_reply, order=40,
                hint=_("督查组提出的意见，请说明整改情况后回复。")))
