"""The ledger's panel on an organization's page: the latest problems of its subtree."""

from django.db.models import Q

from dangjian.accounts.policy import allows_at
from dangjian.orgs.queries import subtree_q
from dangjian.ui.panels import Panel, register

from .models import Problem


def _org_problems(request, org):
    below = subtree_q(org.path, "organization__path") if not org.is_branch else Q(organization=org)
    problems = Problem.objects.visible_to(request.user).filter(below)
    return {"subtree": not org.is_branch, "problem_count": problems.count(),
            "problems": problems.select_related("organization").order_by("-found_on", "-id")[:10],
            "can_log_problem": allows_at(request.user, "add", Problem, org)}


register("orgs.organization", Panel("problems", "problems/panels/org_problems.html", _org_problems, slot="right",
                                    order=20))
