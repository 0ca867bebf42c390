"""The ladder board's figures and the case counts of the panels: a few GROUP BY queries, whatever the size;
and the findings linked to a case (its page, the API), in one query.

Every figure is counted over the cases a user may see (``Case.objects.visible_to``), within
the page's organizations; each one is also a filter of the case list (``case_filters``), so
that a figure opens exactly the cases it counts (tests/accountability/test_pages.py).
"""

from collections import Counter
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr

from dangjian.compliance.models import Finding
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import subtrees_of

from .models import STEPS, CaseFinding, CaseStatus, CaseStep, CaseStepReached

LADDER_STEPS = [s.value for s in STEPS]
ESCALATED_STEPS = [CaseStep.INTERVIEW.value, CaseStep.CRITICISM.value]


def overdue_q(as_of):
    """Open cases past their deadline on ``as_of``: the talk (or the interview) has not put them right in time.

    A case at 批评教育 has no deadline (it stays open until it closes), so it is never overdue."""
    return Q(status=CaseStatus.OPEN, deadline__lt=as_of)


def timely_q(timely):
    """Rectified cases closed on or before the deadline they had (``timely``), or after it (or at 批评教育)."""
    within = Q(deadline__isnull=False, closed_on__lte=F("deadline"))
    return Q(status=CaseStatus.RECTIFIED) & (within if timely else ~within)


def month_bounds(month):
    """(first day, first day of the next month) of ``month`` (a date on its first day)."""
    nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return month, nxt


def escalated_in_q(month):
    """Cases that climbed to 约谈 or 批评教育 within ``month``."""
    start, end = month_bounds(month)
    return Q(pk__in=CaseStepReached.objects.filter(step__in=ESCALATED_STEPS, on__gte=start, on__lt=end)
             .values("case_id"))


def month_starts(end, months=12):
    first = end.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def group_level(roots):
    """The tree level the board groups by: the page's next level down (banners under a league, townships under a banner)."""
    if roots is None:
        return 1 if Organization.objects.filter(depth=1).count() != 1 else 2
    if len(roots) == 1:
        return roots[0].depth + 1
    return min(r.depth for r in roots)


def board_figures(cases, roots, as_of):
    """The board's figures over ``cases`` (a queryset already scoped to the user and the page) on ``as_of``.

    Returns plain data (cached by the view): ``steps`` {step: open count}, ``open``, ``overdue``
    {step: count}, ``groups`` [(org or None, {step: n}, total, overdue)], ``closed`` {"timely",
    "late", "lapsed"}, and ``trend`` {"months", "opened", "rectified", "escalated"}.
    """
    cases = cases.order_by()
    level = group_level(roots)
    width = level * Organization.steplen
    steps = dict.fromkeys(LADDER_STEPS, 0)
    overdue = dict.fromkeys(LADDER_STEPS, 0)
    by_group = {}
    rows = (cases.filter(status=CaseStatus.OPEN).annotate(prefix=Substr("unit__path", 1, width))
            .values("prefix", "step").annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=as_of))))
    for r in rows:
        steps[r["step"]] += r["n"]
        overdue[r["step"]] += r["late"]
        group = by_group.setdefault(r["prefix"], {"steps": dict.fromkeys(LADDER_STEPS, 0), "overdue": 0})
        group["steps"][r["step"]] += r["n"]
        group["overdue"] += r["late"]
    orgs = {o.path: o for o in Organization.objects.filter(path__in=[p for p in by_group if p])}
    groups = sorted(((orgs.get(p), g["steps"], sum(g["steps"].values()), g["overdue"]) for p, g in by_group.items()),
                    key=lambda g: (g[0] is None, g[0].path if g[0] is not None else ""))
    closed = cases.exclude(status=CaseStatus.OPEN).aggregate(
        timely=Count("id", filter=timely_q(True)), late=Count("id", filter=timely_q(False)),
        lapsed=Count("id", filter=Q(status=CaseStatus.LAPSED)))

    months = month_starts(as_of)
    first = months[0]
    # Counted per day and summed per month here (as the dashboard does): SQLite runs TruncMonth in Python per row.
    opened, rectified, escalated = Counter(), Counter(), Counter()
    for r in cases.filter(opened_on__gte=first, opened_on__lte=as_of).values("opened_on").annotate(n=Count("id")):
        opened[r["opened_on"].replace(day=1)] += r["n"]
    for r in (cases.filter(status=CaseStatus.RECTIFIED, closed_on__gte=first, closed_on__lte=as_of)
              .values("closed_on").annotate(n=Count("id"))):
        rectified[r["closed_on"].replace(day=1)] += r["n"]
    for r in (CaseStepReached.objects.filter(case__in=cases.values("pk"), step__in=ESCALATED_STEPS,
                                             on__gte=first, on__lte=as_of)
              .order_by().values("on").annotate(n=Count("id"))):
        escalated[r["on"].replace(day=1)] += r["n"]
    return {
        "steps": steps, "open": sum(steps.values()), "overdue": overdue, "overdue_total": sum(overdue.values()),
        "groups": groups, "closed": closed,
        "trend": {"months": months, "opened": [opened[m] for m in months],
                  "rectified": [rectified[m] for m in months], "escalated": [escalated[m] for m in months]},
    }


def open_counts(cases):
    """{step: n} and the total of the open cases among ``cases``: one query (the panels' figure)."""
    steps = dict.fromkeys(LADDER_STEPS, 0)
    for step, n in cases.filter(status=CaseStatus.OPEN).order_by().values_list("step").annotate(n=Count("id")):
        steps[step] = n
    return steps, sum(steps.values())


def in_roots(cases, roots):
    """``cases`` whose unit lies under ``roots`` (None: all of them)."""
    return cases if roots is None else cases.filter(subtrees_of([r.path for r in roots], "unit__path"))


def case_findings(user, case):
    """The findings linked to ``case`` that ``user`` sees through it, oldest first, in one query; each
    with ``visible``: whether the user may open the finding's own page (compliance's policy)."""
    links = (CaseFinding.objects.visible_to(user).filter(case=case)
             .select_related("finding", "finding__author", "finding__author__profile__person")
             .annotate(visible=Exists(Finding.objects.visible_to(user).filter(pk=OuterRef("finding_id"))))
             .order_by("finding__created_at", "id"))
    found = []
    for link in links:
        link.finding.visible = link.visible
        found.append(link.finding)
    return found
