"""Livelihood-problem figures (CONTRACT §4), computed from the ledger by one grouped query.

The dashboard, the API and ``dangjian report problems`` all call :func:`problem_figures`,
so every figure shown anywhere is the same computation over the same records.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.orgs.queries import subtrees_of

from .models import Problem, ProblemStatus


@dataclass
class ProblemFigures:
    problems: int = 0
    completed: int = 0
    categories: int = 0
    by_category: list = field(default_factory=list)

    @property
    def completion_rate(self):
        return round(self.completed / self.problems, 4) if self.problems else 0

    @property
    def completion_percent(self):
        return f"{self.completion_rate * 100:.1f}"

    def as_json(self):
        return {
            "problems": self.problems,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
            "categories": self.categories,
            "by_category": self.by_category,
        }


def problems_in(scope=None, queryset=None):
    """The problems of an organization's subtree, of several organizations' (a list), or all (None)."""
    qs = queryset if queryset is not None else Problem.objects.all()
    if scope is not None:
        roots = scope if isinstance(scope, (list, tuple)) else [scope]
        qs = qs.filter(subtrees_of([o.path for o in roots], "organization__path"))
    return qs


def problem_figures(scope=None, queryset=None):
    rows = (
        problems_in(scope, queryset)
        .values("category")
        .annotate(problems=Count("id"), completed=Count("id", filter=Q(status=ProblemStatus.DONE)))
        .order_by()
    )
    by_category = sorted(
        ({"category": r["category"], "problems": r["problems"], "completed": r["completed"]} for r in rows),
        key=lambda r: (-r["problems"], r["category"]),
    )
    return ProblemFigures(
        problems=sum(r["problems"] for r in by_category),
        completed=sum(r["completed"] for r in by_category),
        categories=len(by_category),
        by_category=by_category,
    )
