"""The ledger's to-dos: the livelihood problems waiting at the branches a secretary keeps."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from dangjian.accounts.models import Role
from dangjian.accounts.scope import Scope
from dangjian.ui.todos import Source, Todo, register

from .models import Problem, ProblemStatus


def _problems_waiting(user, person, today):
    """One line per branch of the user's (支部书记): how many problems wait to be taken up, how many to finish."""
    branches = [org.pk for role, org in Scope.of(user).grants if role == Role.BRANCH_SECRETARY]
    if not branches:
        return []
    rows = (Problem.objects.visible_to(user, "change").filter(organization__in=branches)
            .exclude(status=ProblemStatus.DONE).values("organization__code", "organization__name")
            .annotate(pending=Count("pk", filter=Q(status=ProblemStatus.PENDING)),
                      in_progress=Count("pk", filter=Q(status=ProblemStatus.IN_PROGRESS)))
            .order_by("organization__code"))
    items = []
    for row in rows:
        url = reverse("problems:problem_list") + f"?org={row['organization__code']}"
        if row["pending"]:
            items.append(Todo(title=gettext("%(org)s：%(n)s 个民生问题待办理") % {
                "org": row["organization__name"], "n": row["pending"]}, url=url + "&status=pending"))
        if row["in_progress"]:
            items.append(Todo(title=gettext("%(org)s：%(n)s 个民生问题办理中，办结后请记录") % {
                "org": row["organization__name"], "n": row["in_progress"]}, url=url + "&status=in_progress"))
    return items


register(Source("problems", _("民生问题台账"), _problems_waiting, order=50,
                hint=_("本支部台账中尚未办结的问题。")))
