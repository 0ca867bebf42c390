from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from dangjian.accounts.policy import access, allows_at, may
from dangjian.accounts.scope import Scope
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import subtree_q
from dangjian.ui.generic import ScopedListView, apply_errors, audit_for
from dangjian.ui.pickers import filter_org, org_filter_picker

from . import services
from .forms import TRANSITION_FORMS, ProblemForm
from .models import Problem, ProblemStatus
from .reports import problem_figures
from .workflow import PROBLEMS


class ProblemList(ScopedListView):
    """The livelihood-problem ledger, filtered by place, category and status."""

    model = Problem
    template_name = "problems/list.html"

    def get_queryset(self):
        qs = super().get_queryset()
        p = self.request.GET
        self.within = filter_org(self.request)
        if self.within is not None:
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
                   within=self.within, params=self.request.GET,
                   org_picker=org_filter_picker(self.request.user, self.within),
                   can_log=may(self.request.user, "add", Problem),
                   # The rows this user may move on (a supervisor reads the ledger, never keeps it).
                   actionable=_actionable(self.request.user, ctx["object_list"]))
        return ctx


def _actionable(user, problems):
    """The ids among ``problems`` on which ``user`` may take a step now: two queries for the page, not one a row."""
    ids = [q.pk for q in problems]
    open_ = Problem.objects.visible_to(user, "change").filter(pk__in=ids).exclude(status=ProblemStatus.DONE)
    done = Problem.objects.visible_to(user, "reopen").filter(pk__in=ids, status=ProblemStatus.DONE)
    return set(open_.values_list("pk", flat=True)) | set(done.values_list("pk", flat=True))


def problem_new(request):
    """Log a problem found among the residents (民生问题台账: from found to done)."""
    scope = Scope.of(request.user)
    if not may(request.user, "add", Problem):
        raise Http404
    org = request.GET.get("org", "")
    rule = access(Problem, "add")
    # Where the user keeps the ledger outright (the department, a branch secretary's branch), and where
    # a team member keeps it because they link it today (书记抓书记: not at every branch of the banner).
    roots = scope.roots(rule.roles)
    linked = [o for o in Organization.objects.filter(pk__in=scope.linked_org_ids()).order_by("name")
              if allows_at(request.user, "add", Problem, o)] if rule.linked else []
    if not org and len(roots) == 1 and not linked:  # a branch secretary has one branch: theirs, already filled in
        org = Organization.objects.filter(pk=roots[0][1]).values_list("code", flat=True).first() or ""
    elif not org and not roots and len(linked) == 1:  # a team member who links one branch: that one
        org = linked[0].code
    initial = {"organization": org}
    form = ProblemForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            problem = services.log_problem(request.user, c["organization"], c["category"], c["description"],
                                           c["found_on"], c["team"])
        except PermissionDenied:
            form.add_error("organization", gettext("您无权在该组织登记民生问题"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("已登记民生问题 %(code)s") % {"code": problem.code})
            return redirect(f"{reverse('problems:problem_list')}?org={problem.organization.code}")
    problems = Problem.objects.visible_to(request.user)
    categories = (problems.values_list("category", flat=True).annotate(n=Count("id")).order_by("-n")[:100])
    return render(request, "problems/problem_form.html", {"form": form, "categories": list(categories),
                                                          "linked": linked})


def problem_detail(request, pk):
    """One problem, its history, and a form for each step the user may take on it now (POST: take one)."""
    scope = Scope.of(request.user)
    problem = get_object_or_404(Problem.objects.visible_to(request.user).select_related("organization", "team"), pk=pk)
    available = PROBLEMS.available(request.user, problem)
    forms = {t.name: TRANSITION_FORMS[t.name]() for t in available}
    if request.method == "POST":
        name = request.POST.get("transition", "")
        if name not in forms:  # not a step this user may take now (a supervisor may take none)
            raise Http404
        form = forms[name] = TRANSITION_FORMS[name](request.POST)
        if form.is_valid():
            try:
                problem = services.transition(request.user, problem, name, **form.cleaned_data)
            except PermissionDenied:
                raise Http404
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, gettext("%(code)s：%(step)s，现为“%(status)s”") % {
                    "code": problem.code, "step": gettext(PROBLEMS[name].label),
                    "status": gettext(problem.get_status_display())})
                return redirect("problems:problem_detail", problem.pk)
    return render(request, "problems/detail.html", {
        "problem": problem, "steps": [(t, forms[t.name]) for t in available],
        "audit": audit_for(problem, viewer=request.user)})
