"""The ledger, inherited from tests.scoped (problems/policy.py: kept by the department and the branch)."""

from dangjian.problems.models import Problem
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


class TestProblemViews(ScopedViewTests):
    model = Problem
    urls = (
        Url("problems:problem_list", query=lambda q: {"org": q.organization.code}),
        Url("problems:problem_detail", args=lambda q: [q.pk]),
        Url("problems:problem_add", action="add",
            data=lambda q: {"organization": q.organization.code, "category": "环境卫生", "description": "又一个问题",
                            "found_on": "2026-11-20", "team": ""}),
        Url("problems:problem_detail", args=lambda q: [q.pk], action="change", data=lambda q: {"transition": "take_up"}),
    )

    def build_inside(self, world):
        return Problem.objects.get(code="QA")

    def build_outside(self, world):
        return Problem.objects.get(code="Q乙")
