"""失责必问's panels: the open cases on a person's page (naming them, and those they must act on) and on an
organization's (its subtree's), each count opening the filtered case list; on a finding's page, the case
it was recorded about (to those who see that case)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.http import urlencode

from dangjian.accounts.policy import may
from dangjian.orgs.queries import subtree_q
from dangjian.ui.panels import Panel, register

from .models import Case, CaseFinding, CaseStatus, CaseStep
from .queries import open_counts


def _steps(counts):
    """[(label, n)] of the steps that hold open cases, bottom up."""
    return [(gettext(label), counts[value]) for value, label in CaseStep.choices if counts[value]]


def _list(**params):
    return f"{reverse('accountability:case_list')}?{urlencode({**params, 'status': CaseStatus.OPEN})}"


def _person_cases(request, person):
    if not may(request.user, "view", Case):
        return None
    visible = Case.objects.visible_to(request.user)
    steps, total = open_counts(visible.filter(person=person))
    _, handled = open_counts(visible.filter(handler=person))
    return {"steps": _steps(steps), "total": total, "handled": handled, "url": _list(person=person.code),
            "handled_url": _list(handler=person.code)}


def _org_cases(request, org):
    if not may(request.user, "view", Case):
        return None
    steps, total = open_counts(Case.objects.visible_to(request.user).filter(subtree_q(org.path, "unit__path")))
    return {"steps": _steps(steps), "total": total, "url": _list(org=org.code), "subtree": not org.is_branch}


def _finding_case(request, finding):
    """The case a finding was recorded about, if the user sees that case (one query)."""
    from dangjian.compliance.rules import RULES_BY_ID

    link = (CaseFinding.objects.visible_to(request.user).filter(finding=finding)
            .select_related("case", "case__person", "case__org").first())
    if link is None:
        return None
    rule = RULES_BY_ID.get(link.case.rule)
    return {"case": link.case, "rule_title": rule.title if rule else link.case.rule}


register("people.person", Panel("cases", "accountability/panels/person_cases.html", _person_cases, slot="top",
                                order=20))
register("orgs.organization", Panel("cases", "accountability/panels/org_cases.html", _org_cases, slot="right",
                                    order=25))
register("compliance.finding", Panel("case", "accountability/panels/finding_case.html", _finding_case, slot="top",
                                      order=10))
