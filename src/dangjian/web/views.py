"""The dashboard (首页): the user's scope at a glance; every figure clicks through."""

from collections import Counter
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, pgettext

from dangjian.accountability.queries import month_starts
from dangjian.accounts.models import Role
from dangjian.accounts.scope import Scope
from dangjian.compliance.rules import run_check
from dangjian.contacts.models import Activity
from dangjian.orgs.models import Tier
from dangjian.orgs.queries import subtrees_of, tier_distribution, tier_transitions
from dangjian.problems.models import ProblemStatus
from dangjian.problems.reports import problem_figures
from dangjian.audit.cache import cached

TIER_LABELS = dict(Tier.choices) | {None: gettext_noop("未定级")}  # Chinese; translated when shown
TIER_ORDER = [Tier.ADVANCED, Tier.MIDDLE, Tier.LAGGING, None]


@login_not_required
def favicon(request):
    """/favicon.ico, asked for by browsers whatever the page says: the static icon."""
    return redirect(static("ui/favicon.svg"), permanent=True)


def today():
    return timezone.localdate()


def page_roots(request):
    """The organizations the page is about: ?org=CODE inside the user's scope, or all the user's roots."""
    try:
        return Scope.of(request.user).page_roots(request.GET.get("org"))
    except LookupError:
        raise Http404


def dashboard(request):
    scope = Scope.of(request.user)
    if not scope.is_global and not scope.grants:
        return render(request, "web/no_scope.html")
    if not scope.is_global and scope.roles() == {Role.BRANCH_SECRETARY}:
        return branch_home(request, scope)
    roots = page_roots(request)
    as_of = today()
    # The figures hold the page's words too (chart titles, card labels): one cached copy per language.
    key = (None if roots is None else [r.pk for r in roots], as_of, get_language())
    context = cached("dashboard-v3", key, lambda: dashboard_figures(roots, as_of))
    root = roots[0] if roots and len(roots) == 1 else None
    # 失责必问's card is the user's own (a leader sees their cases, not their colleagues'): cached per user.
    code = request.GET.get("org") or None
    cases = cached("dashboard-cases-v1", (request.user.pk, key, code),
                   lambda: cases_card(request.user, roots if code else None, as_of))
    return render(request, "web/dashboard.html", {**context, "root": root, "page_roots": roots,
                                                  "roots": scope.root_orgs, "as_of": as_of, "cases": cases})


def cases_card(user, roots, as_of):
    """The dashboard's 失责必问 card: the open cases ``user`` may see (under ``roots``, None: all) by step,
    and those past their deadline; each line opens its cases. None for a user who sees no case."""
    from dangjian.accountability.models import Case, CaseStatus, CaseStep
    from dangjian.accountability.queries import in_roots, open_counts, overdue_q
    from dangjian.accounts.policy import may

    if not may(user, "view", Case):
        return None
    cases = in_roots(Case.objects.visible_to(user), roots)
    steps, total = open_counts(cases)
    org = {"org": roots[0].code} if roots else {}
    url = reverse("accountability:case_list")
    return {
        "total": total, "url": f"{url}?{urlencode({'status': CaseStatus.OPEN, **org})}",
        "board_url": f"{reverse('accountability:board')}?{urlencode(org)}" if org else reverse("accountability:board"),
        "steps": [(gettext(label), steps[value], f"{url}?{urlencode({'status': CaseStatus.OPEN, 'step': value, **org})}")
                  for value, label in CaseStep.choices],
        "overdue": cases.filter(overdue_q(as_of)).count(),
        "overdue_url": f"{url}?{urlencode({'overdue': '1', **org})}",
    }


def dashboard_figures(roots, as_of):
    """Everything the dashboard shows for some subtrees on one day (cached until the data changes).

    ``roots``: the organizations whose subtrees the page covers (None: the whole tree).
    With one root every figure's list is filtered to it (?org=); with several, the lists
    show the user's whole scope, which is the same set.
    """
    root = roots[0] if roots and len(roots) == 1 else None
    path = None if roots is None else [r.path for r in roots]
    org_param = f"&org={root.code}" if root else ""

    def records(url, **params):
        """The list behind a figure: ``url`` filtered by ``params`` within the page's organization."""
        return f"{url}?{urlencode({**params, **({'org': root.code} if root else {})})}"

    check = run_check(as_of=as_of, scope=roots)
    s = check.summary
    tiers_now = tier_distribution(path, as_of)
    year_start = date(as_of.year, 1, 1)
    tiers_then = tier_distribution(path, year_start)
    transitions = tier_transitions(path, year_start, as_of)

    months = month_starts(as_of)
    visits = Activity.objects.filter(date__gte=months[0], date__lte=as_of)
    if path is not None:
        visits = visits.filter(subtrees_of(path, "organization__path"))
    # Counted per day and summed per month here: SQLite runs TruncMonth as a Python function
    # on every row (0.6 s for the province's 70,000 visits of a year), a plain GROUP BY is fast.
    by_month = Counter()
    for r in visits.values("date").annotate(n=Count("id")).order_by():
        by_month[r["date"].replace(day=1)] += r["n"]
    problems = problem_figures(roots)

    check_url = reverse("compliance:check")
    org_url = reverse("orgs:organization_list")
    problems_url = reverse("problems:problem_list")
    # Translators: a strftime format for the first day of the year in the tier chart's title.
    start = year_start.strftime(gettext("%Y年%m月%d日"))
    charts = {
        "tiers": {
            "title": gettext("支部等次（%(start)s 与今天）") % {"start": start},
            "categories": [gettext(TIER_LABELS[t]) for t in TIER_ORDER],
            # Each series opens its own records: the start-of-year bar the branches of that tier on 1 January.
            "series": [
                {"name": f"{year_start:%Y-%m-%d}", "data": [tiers_then.get(t, 0) for t in TIER_ORDER],
                 "links": [records(org_url, kind="branch", tier=t or "none", tier_on=f"{year_start:%Y-%m-%d}")
                           for t in TIER_ORDER]},
                {"name": gettext("今天"), "data": [tiers_now.get(t, 0) for t in TIER_ORDER],
                 "links": [records(org_url, kind="branch", tier=t or "none") for t in TIER_ORDER]},
            ],
        },
        "visits": {
            "title": gettext("近 12 个月到联系点开展活动次数"),
            "categories": [f"{m:%Y-%m}" for m in months],
            "series": [{"name": gettext("活动"), "data": [by_month.get(m, 0) for m in months]}],
            "links": [f"{reverse('contacts:activity_list')}?month={m:%Y-%m}{org_param}" for m in months],
        },
        "problems": {
            "title": gettext("民生问题（按类别，前 15 类）"),
            "horizontal": True,  # on a phone: category names on the left, one bar per row
            "categories": [r["category"] for r in problems.by_category[:15]],
            "series": [
                {"name": gettext("问题数"), "data": [r["problems"] for r in problems.by_category[:15]],
                 "links": [records(problems_url, category=r["category"]) for r in problems.by_category[:15]]},
                {"name": gettext("已办结"), "data": [r["completed"] for r in problems.by_category[:15]],
                 "links": [records(problems_url, category=r["category"], status=ProblemStatus.DONE)
                           for r in problems.by_category[:15]]},
            ],
        },
    }
    cards = [
        (gettext("责任主体达标"), f"{s['compliant_leaders']} / {s['responsible_leaders']}",
         f"{check_url}?{org_param[1:]}", gettext("没有任何问题的责任主体 / 全部责任主体")),
        (gettext("后进支部有人联系"), f"{s['covered_lagging_branches']} / {s['lagging_branches']}",
         f"{check_url}?rule=lagging-branch-uncovered{org_param}", gettext("已有责任主体联系的后进党支部 / 全部后进党支部")),
        (pgettext("count", "党支部"), s["branches"], f"{org_url}?kind=branch{org_param}", gettext("范围内党支部总数")),
        (gettext("民生问题办结"), f"{problems.completed} / {problems.problems}", f"{problems_url}?{org_param[1:]}",
         gettext("办结率 %(rate).1f%%，%(categories)s 类")
         % {"rate": problems.completion_rate * 100, "categories": problems.categories}),
    ]
    return {
        "cards": cards, "charts": charts,
        # Each row opens the branches that made that transition between 1 January and today.
        "transitions": [(gettext(TIER_LABELS[a]), gettext(TIER_LABELS[b]), n,
                         records(org_url, kind="branch", tier_from=a or "none", tier_to=b or "none",
                                 **{"from": f"{year_start:%Y-%m-%d}", "to": f"{as_of:%Y-%m-%d}"}))
                        for a, b, n in sorted(transitions, key=lambda t: (TIER_ORDER.index(t[0]), TIER_ORDER.index(t[1])))],
        "violations_by_rule": _count_by_rule(check),
    }


def _count_by_rule(check):
    from dangjian.compliance.rules import RULES

    counts = {r.id: 0 for r in RULES}
    for v in check.violations:
        counts[v.rule] += 1
    return [({"id": r.id, "title": r.title}, counts[r.id]) for r in RULES]


def branch_home(request, scope):
    """A branch secretary's 首页: their branch, not a leader's figures.

    Its tier and history, its team (书记 first), the leaders linking it with their latest
    visit and when the next is due, its open livelihood problems, the findings awaiting its
    reply, and what is the secretary's to do. A secretary of several branches picks one (?org=).
    """
    from django.db.models import Case, IntegerField, Value, When

    from dangjian.accounts.policy import allows_at
    from dangjian.compliance.models import Finding, FindingStatus
    from dangjian.contacts.models import ContactLink
    from dangjian.contacts.queries import active_on, annotate_due, with_last_visit
    from dangjian.orgs.queries import tier_on
    from dangjian.people.models import Post, PostRole
    from dangjian.problems.models import Problem

    branches = sorted({org for role, org in scope.grants if role == Role.BRANCH_SECRETARY}, key=lambda o: o.path)
    wanted = request.GET.get("org")
    branch = next((b for b in branches if b.code == wanted), None) if wanted else branches[0]
    if branch is None:
        raise Http404
    as_of = today()
    role_order = Case(When(role=PostRole.SECRETARY, then=Value(0)), When(role=PostRole.DEPUTY, then=Value(1)),
                      default=Value(2), output_field=IntegerField())
    team = (Post.objects.visible_to(request.user).filter(organization=branch).filter(active_on(as_of)).select_related("person")
            .annotate(rank=role_order).order_by("rank", "start_date", "person__name"))
    links = annotate_due(list(with_last_visit(ContactLink.objects.visible_to(request.user).filter(organization=branch).filter(active_on(as_of)),
                                              as_of).select_related("person").order_by("person__name")), as_of)
    problems = (Problem.objects.visible_to(request.user).filter(organization=branch).exclude(status="done")
                .select_related("team").order_by("found_on", "id"))
    open_problems = list(problems[:50])
    findings = list(Finding.objects.visible_to(request.user).filter(organization=branch, status=FindingStatus.OPEN)
                    .select_related("author", "person").order_by("created_at", "id"))
    tiers = list(branch.tier_ratings.order_by("-rated_on"))
    tier_now = type(branch).objects.filter(pk=branch.pk).annotate(t=tier_on(as_of)).values_list("t", flat=True)[0]
    problem_count = problems.count() if len(open_problems) == 50 else len(open_problems)
    pending = sum(1 for q in open_problems if q.status == "pending")
    todo = []
    if findings:
        todo.append((gettext("回复督查意见 %(n)s 条") % {"n": len(findings)}, "#findings"))
    if pending:
        todo.append((gettext("开始办理民生问题 %(n)s 个") % {"n": pending}, "#problems"))
    if problem_count - pending:
        todo.append((gettext("办结办理中的民生问题 %(n)s 个") % {"n": problem_count - pending}, "#problems"))
    if not links:
        todo.append((gettext("本支部尚无领导联系，请报告上级党组织"), "#leaders"))
    cases = cases_card(request.user, None, as_of)  # the secretary's own cases and those they must act on
    if cases and cases["total"]:
        todo.append((gettext("整改中的问责事项 %(n)s 项") % {"n": cases["total"]}, cases["url"]))
    return render(request, "web/branch_home.html", {
        "branch": branch, "branches": branches, "as_of": as_of, "team": team, "links": links,
        "problems": open_problems, "problem_count": problem_count, "findings": findings,
        "tiers": tiers, "tier_now": tier_now, "todo": todo,
        "can_log_problem": allows_at(request.user, "add", Problem, branch),
    })


def todo(request):
    """我的待办: what is this user's own to do, read off the records (every app's ``todos.py``)."""
    from dangjian.ui import todos

    as_of = today()
    sections = todos.gather(request.user, Scope.of(request.user).person, as_of)
    for section in sections:
        section.rows = [(item, left, -left if left is not None and left < 0 else None)
                        for item in section.items for left in [item.days_left(as_of)]]
    return render(request, "web/todo.html", {"sections": sections, "as_of": as_of})
