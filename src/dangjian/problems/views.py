from django.shortcuts import get_object_or_404

from dangjian.orgs.models import Organization
from dangjian.orgs.queries import subtree_q
from dangjian.web.generic import ScopedListView

from .models import Problem, ProblemStatus
from .reports import problem_figures


class ProblemList(ScopedListView):
    """The livelihood-problem ledger, filtered by place, category and status."""

    model = Problem
    template_name = "problems/list.html"

    def get_queryset(self):
        qs = super().get_queryset()
        p = self.request.GET
        self.within = None
        if p.get("org"):
            self.within = get_object_or_404(self.scope.filter(Organization.objects.all(), "path"), code=p["org"])
            qs = qs.filter(subtree_q(self.within.path, "organization__path"))
        self.scoped = qs
        if p.get("category"):
            qs = qs.filter(category=p["category"])
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        return qs.select_related("organization", "team").order_by("-found_on", "code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(figures=problem_figures(queryset=self.scoped), statuses=ProblemStatus.choices,
                   within=self.within, params=self.request.GET)
        return ctx
