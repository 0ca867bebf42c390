"""失责必问's pages: the ladder board of a scope, the case list (filters, export) and a case with its timeline.

Everything reads through ``Case.objects.visible_to(user)`` (accountability/policy.py): a
leader sees the cases that name them and those they must act on, the department and the
supervisors every case over their units; a case outside is a 404. The human steps (talks,
evidence, appeals) are the workflow's; the case page keeps their slot
(``accountability/case_actions.html``). A supervisor records a finding about a case from its page
(``case_finding_add``): compliance's 督查意见, linked to the case, shown in its timeline.
"""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as Choose, F, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from dangjian.accounts.policy import allows_at, may
from dangjian.accounts.scope import Scope
from dangjian.audit.cache import cached
from dangjian.compliance.models import Finding
from dangjian.ui.generic import FilteredListView, apply_errors, audit_for

from . import services
from .filters import CaseFilterForm, filter_cases
from .forms import CaseFindingForm
from .models import STEPS, Case, CaseStatus, CaseStep, Sweep
from .queries import board_figures, case_findings, in_roots

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STEP_LABELS = dict(CaseStep.choices)


def _rule(rule_id):
    from dangjian.compliance.rules import RULES_BY_ID

    return RULES_BY_ID.get(rule_id)


def _list_url(**params):
    return f"{reverse('accountability:case_list')}?{urlencode({k: v for k, v in params.items() if v is not None})}"


# ------------------------------------------------------------------ the ladder board


def board(request):
    """The ladder board (问责看板): open cases by step and by the next level down, overdue talks,
    rectified in time or late, the months' trend; every figure opens its cases."""
    user = request.user
    if not may(user, "view", Case):
        raise Http404
    code = request.GET.get("org") or None
    try:
        roots = Scope.of(user).page_roots(code)
    except LookupError:
        raise Http404
    as_of = timezone.localdate()
    key = (user.pk, None if roots is None else [r.pk for r in roots], code, as_of, get_language())
    context = cached("accountability-board-v1", key, lambda: _board(user, roots, code, as_of))
    return render(request, "accountability/board.html", {
        **context, "as_of": as_of, "page_roots": roots, "root": roots[0] if code else None,
        "roots": Scope.of(user).root_orgs})


def _board(user, roots, code, as_of):
    cases = Case.objects.visible_to(user)
    if code:  # ?org=: that subtree; without it, every case the user may see (a leader's own anywhere)
        cases = in_roots(cases, roots)
    f = board_figures(cases, roots, as_of)
    org = {"org": code} if code else {}
    open_ = {"status": CaseStatus.OPEN, **org}
    steps = [(s.value, gettext(s.label), f["steps"][s.value], _list_url(step=s.value, **open_)) for s in STEPS]
    groups = []
    for group, by_step, total, overdue in f["groups"]:
        # A group below the page (a township) opens its subtree; the page's own level its units exactly.
        below = group is not None and (roots is None or all(group.depth > r.depth for r in roots))
        where = {"org": group.code} if below else {"unit": group.code if group else None, **org}
        groups.append({
            "org": group, "own_level": not below, "total": total, "total_url": _list_url(**where, status="open"),
            "steps": [(by_step[s.value], _list_url(**where, status="open", step=s.value)) for s in STEPS],
            "overdue": overdue, "overdue_url": _list_url(**where, overdue="1"),
        })
    months = f["trend"]["months"]
    month_keys = [f"{m:%Y-%m}" for m in months]
    chart = {"trend": {
        "title": gettext("近 12 个月问责事项"),
        "categories": month_keys,
        "series": [
            {"name": gettext("新立事项"), "data": f["trend"]["opened"],
             "links": [_list_url(opened=m, **org) for m in month_keys]},
            {"name": gettext("升级"), "data": f["trend"]["escalated"],
             "links": [_list_url(escalated=m, **org) for m in month_keys]},
            {"name": gettext("已整改"), "data": f["trend"]["rectified"],
             "links": [_list_url(closed=m, status=CaseStatus.RECTIFIED, **org) for m in month_keys]},
        ],
    }}
    return {
        "open": f["open"], "open_url": _list_url(**open_), "steps": steps, "groups": groups,
        "overdue": [(gettext(s.label), f["overdue"][s.value], _list_url(overdue="1", step=s.value, **org))
                    for s in STEPS if s != CaseStep.CRITICISM],
        "overdue_total": f["overdue_total"], "overdue_url": _list_url(overdue="1", **org),
        "timely": f["closed"]["timely"], "timely_url": _list_url(timely="1", **org),
        "late": f["closed"]["late"], "late_url": _list_url(timely="0", **org),
        "lapsed": f["closed"]["lapsed"], "lapsed_url": _list_url(status=CaseStatus.LAPSED, **org),
        "charts": chart,
        "last_sweep": Sweep.objects.order_by("-on").values_list("on", flat=True).first(),
    }


# ------------------------------------------------------------------ the case list and its export


class CaseList(FilteredListView):
    """问责事项: filtered by rule, step, status, organization subtree, person, handler (and the board's figures)."""

    model = Case
    template_name = "accountability/case_list.html"
    filter_form = CaseFilterForm
    paginate_by = 50

    def filter_queryset(self, qs, c):
        qs = filter_cases(qs, c, self.as_of)
        open_first = Choose(When(status=CaseStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
        return (qs.select_related("person", "org", "unit", "handler")
                .order_by(open_first, F("deadline").asc(nulls_last=True), "-opened_on", "id"))

    def get_queryset(self):
        self.as_of = timezone.localdate()
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = []
        for case in ctx["object_list"]:
            rule = _rule(case.rule)
            left = (case.deadline - self.as_of).days if case.status == CaseStatus.OPEN and case.deadline else None
            rows.append((case, rule, left, -left if left is not None and left < 0 else None))
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(rows=rows, as_of=self.as_of, export_params=params.urlencode(),
                   board_url=reverse("accountability:board"))
        return ctx


class CaseExport(CaseList):
    """The case list as filtered, as a workbook (text cells inert: workbook.write), audited as an export."""

    def get(self, request, *args, **kwargs):
        import tempfile

        from .exports import export_cases

        qs = self.get_queryset()
        params = request.GET.copy()
        params.pop("page", None)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            export_cases(request.user, qs, fh.name, self.as_of, filters=params.urlencode())
            data = open(fh.name, "rb").read()
        response = HttpResponse(data, content_type=XLSX)
        name = gettext("问责事项") + f"-{self.as_of:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response["Cache-Control"] = "no-store"
        return response


# ------------------------------------------------------------------ one case


def _visible_case(request, pk):
    return get_object_or_404(Case.objects.visible_to(request.user).select_related("person", "org", "unit", "handler"),
                             pk=pk)


def _finding_org(case):
    """Where a finding about the case is recorded: its organization, else its unit (None: nowhere)."""
    return case.org if case.org_id else case.unit


def case_detail(request, pk):
    """One case: its rule and the sentence it enforces, who and where, its deadline, its timeline and audit."""
    return _case_page(request, _visible_case(request, pk))


def _case_page(request, case, finding_form=None):
    user = request.user
    as_of = timezone.localdate()
    left = (case.deadline - as_of).days if case.status == CaseStatus.OPEN and case.deadline else None
    # The timeline: the steps reached, the closing, and the supervisors' findings, by day (a day's
    # steps first: the sweep runs before anyone writes).
    timeline = [(h.on, 0, {"kind": "step", "on": h.on, "step": h.step, "label": STEP_LABELS[h.step], "sweep": h.sweep})
                for h in case.history.select_related("sweep").order_by("on", "id")]
    if case.closed_on:
        timeline.append((case.closed_on, 1, {"kind": "closed", "on": case.closed_on}))
    for finding in case_findings(user, case):
        on = timezone.localdate(finding.created_at)
        timeline.append((on, 2, {"kind": "finding", "on": on, "finding": finding}))
    timeline.sort(key=lambda entry: entry[:2])  # stable: each kind keeps its own order within a day
    if finding_form is None and allows_at(user, "add", Finding, _finding_org(case)):
        finding_form = CaseFindingForm()
    return render(request, "accountability/case_detail.html", {
        "case": case, "rule": _rule(case.rule), "as_of": as_of, "days_left": left,
        "overdue_days": -left if left is not None and left < 0 else None,
        "timeline": [entry for _on, _order, entry in timeline], "finding_form": finding_form,
        "audit": audit_for(case, viewer=user),
    })


@require_POST
def case_finding_add(request, pk):
    """记录督查意见 about the case: those who may add a finding at its organization (supervisors, the
    department); anyone else gets a 404, as for a step that is not theirs, and nothing is written."""
    case = _visible_case(request, pk)
    if not allows_at(request.user, "add", Finding, _finding_org(case)):
        raise Http404
    form = CaseFindingForm(request.POST)
    if form.is_valid():
        try:
            services.record_case_finding(request.user, case, form.cleaned_data["text"])
        except PermissionDenied:
            raise Http404
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("已记录督查意见"))
            return redirect("accountability:case_detail", case.pk)
    return _case_page(request, case, finding_form=form)
