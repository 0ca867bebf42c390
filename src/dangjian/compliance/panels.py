"""Compliance's panels: the check and the findings on an organization's page; a person's open violations."""

from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.policy import allows_at
from dangjian.accounts.scope import Scope
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import subtree_q
from dangjian.ui.panels import Panel, register

from dangjian.people.queries import posts_subtree

from .models import Finding
from .rules import RULES_BY_ID, run_check


def _org_actions(request, org):
    return {}


def _org_findings(request, org):
    from .forms import FindingForm  # the forms (and django.forms) load with the first page, not with every command

    user = request.user
    below = subtree_q(org.path, "organization__path") if not org.is_branch else Q(organization=org)
    findings = Finding.objects.visible_to(user).filter(below)
    return {"subtree": not org.is_branch, "finding_count": findings.count(),
            "findings": findings.select_related("author", "person", "organization").order_by("-created_at", "-id")[:10],
            "finding_form": FindingForm(user=user) if allows_at(user, "add", Finding, org) else None}


def _person_violations(request, person):
    """The person's open violations today; those naming an organization outside the viewer's scope stay hidden."""
    user, today = request.user, timezone.localdate()
    scope = Scope.of(user)
    violations = run_check(as_of=today, person=person, scope=posts_subtree(person)).violations
    if scope.person is None or scope.person.pk != person.pk:
        named = {v.org for v in violations if v.org}
        visible = set(Organization.objects.visible_to(user).filter(code__in=named).values_list("code", flat=True))
        violations = [v for v in violations if v.org is None or v.org in visible]
    return {"today": today, "violations": [(RULES_BY_ID[v.rule], v) for v in violations]}


register("orgs.organization", Panel("check", "compliance/panels/org_actions.html", _org_actions, slot="actions",
                                    order=30))
register("orgs.organization", Panel("findings", "compliance/panels/org_findings.html", _org_findings, slot="right",
                                    order=30))
register("people.person", Panel("violations", "compliance/panels/person_violations.html", _person_violations,
                                slot="top", order=10))
