import dataclasses
import tempfile
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from django.contrib.auth import get_user_model
from django.db.models import Count

from dangjian.accounts.policy import allows
from dangjian.accounts.scope import Scope
from dangjian.orgs.models import Organization
from dangjian.orgs.queries import subtree_q
from dangjian.compliance.cache import cached_check
from dangjian.ui.generic import ScopedListView, audit_for, error_text
from dangjian.ui.panels import render as render_panels
from dangjian.ui.pickers import filter_org, org_filter_picker

from .exports import check_to_xlsx
from .forms import FindingForm
from .models import Finding, FindingStatus
from .workflow import FINDINGS
from . import services
from .rules import MAX_VISIT_DAYS, RULES, input_problems


def _check_from_request(request, say=True):
    """(result, root) for the page's parameters; a bad date or period is said on the page and replaced."""
    scope = Scope.of(request.user)
    p = request.GET
    # A download shows no page: its warnings would surface on whatever page comes next.
    warn = (lambda text: messages.warning(request, text)) if say else (lambda text: None)
    as_of = timezone.localdate()
    if p.get("as_of"):
        try:
            wanted = date.fromisoformat(p["as_of"])
        except ValueError:
            warn(gettext("检查日期“%(value)s”不是 YYYY-MM-DD 格式的日期，已按今天检查") % {"value": p["as_of"]})
        else:
            problems = input_problems(as_of=wanted)
            for problem in problems:
                warn(gettext("%(problem)s，已按今天检查") % {"problem": problem})
            as_of = as_of if problems else wanted
    visit_days = 90
    if p.get("visit_days"):
        try:
            wanted = int(p["visit_days"])
        except ValueError:
            wanted = 0
        if input_problems(visit_days=wanted):
            warn(gettext("活动周期天数应在 1 到 %(max)s 之间，已按 90 天检查") % {"max": MAX_VISIT_DAYS})
        else:
            visit_days = wanted
    roots = None
    code = (p.get("org") or "").strip()
    if not code and (p.get("org_text") or "").strip():
        # Without the script the picker sends only the typed text: a code or a unique exact name.
        named = filter_org(request) if say else None
        code = named.code if named is not None else ""
    if code:
        try:
            roots = scope.page_roots(code) if "\x00" not in code else None
        except LookupError:
            roots = None
        if roots is None and not say:
            raise Http404  # a download shows no page to say it on
        if roots is None:
            # A typing error, or a code outside the scope: the same words for both, so the
            # page never tells whether such an organization exists elsewhere.
            warn(gettext("没有找到组织“%(code)s”，或它不在您的范围内；已按您的默认范围检查") % {"code": p["org"]})
    if roots is None:
        roots = scope.page_roots()
    if roots is not None and not roots:
        raise Http404
    result = cached_check(roots, as_of, visit_days)
    return result, (roots[0] if roots and len(roots) == 1 else None)


def check(request):
    """The contract's rules for any date and subtree; filter by rule; export."""
    result, root = _check_from_request(request)
    rule = request.GET.get("rule", "")
    if rule and rule not in {r.id for r in RULES}:
        messages.warning(request, gettext("没有“%(rule)s”这条规则，已显示全部规则") % {"rule": rule})
        rule = ""
    violations = [v for v in result.violations if not rule or v.rule == rule]
    shown = violations[:2000]
    params = request.GET.copy()
    if params.pop("org_text", None) and root is not None and not params.get("org"):
        params["org"] = root.code  # the export checks the organization the typed name found
    if params.get("org") and (root is None or params["org"] != root.code):
        params.pop("org")  # the export checks what the page shows, not the code it could not find
        if root is not None:
            params["org"] = root.code
    return render(request, "compliance/check.html", {
        "result": result, "root": root, "rules": RULES, "rule": rule,
        "rows": _rows(shown, _committee_posts(shown, result.as_of, Scope.of(request.user))),
        "truncated": len(violations) > 2000, "total": len(violations),
        "params": params.urlencode(), "org_picker": org_filter_picker(request.user, root),
    })


def _committee_posts(violations, as_of, scope):
    """person code → "杭锦旗委 委员" for the people of person-only violations (no organization).

    One query for the whole page: the posts active on the check's date in committees
    inside the user's scope.
    """
    from dangjian.orgs.models import COMMITTEE_KINDS
    from dangjian.people.models import Post, PostRole

    codes = {v.person for v in violations if v.person and not v.org}
    if not codes:
        return {}
    posts = (Post.objects.visible_to(scope.user).filter(person__code__in=codes, organization__kind__in=COMMITTEE_KINDS)
             .filter(Q(start_date__isnull=True) | Q(start_date__lte=as_of))
             .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
             .order_by("organization__path", "role")
             .values_list("person__code", "organization__code", "organization__name", "role"))
    roles = dict(PostRole.choices)
    found = {}
    for person, code, name, role in posts:
        found.setdefault(person, []).append((code, name, gettext(roles.get(role, role))))
    return found


def _rows(violations, committee_posts):
    """(violation, rule title, person URL, organization URL, committee posts) for each row of the table.

    Done here rather than in the template: 2,000 rows made 4,000 ``{% url %}`` reversals
    and 10,000 rule-title comparisons, most of the page's time at province scale.
    ``committee_posts``: person code → [(org URL, org name, role)] for person-only rows.
    """
    titles = {r.id: gettext(r.title) for r in RULES}  # the rules keep Chinese titles; the page its language
    person_url, org_url = _url_for_code("people:person_detail"), _url_for_code("orgs:organization_detail")
    return [(v, titles.get(v.rule, v.rule), person_url(v.person) if v.person else "",
             org_url(v.org) if v.org else "",
             [] if v.org else [(org_url(c), n, r) for c, n, r in committee_posts.get(v.person, ())])
            for v in violations]


def _url_for_code(name):
    """code → ``reverse(name, args=[code])``, reversing once and quoting the code as reverse() does."""
    marker = "0CODE0"
    prefix, suffix = reverse(name, args=[marker]).split(marker)
    return lambda code: prefix + quote(code, safe=RFC3986_SUBDELIMS + "/~:@") + suffix


def check_export(request):
    result, root = _check_from_request(request, say=False)
    rule = request.GET.get("rule", "")
    if rule:  # the workbook holds what the page shows
        result = dataclasses.replace(result, violations=[v for v in result.violations if v.rule == rule])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
        check_to_xlsx(result, fh.name)
        data = open(fh.name, "rb").read()
    services.record_export(result, rule=rule, actor=request.user, organization=root)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"制度检查-{result.scope or '全部'}-{result.as_of}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
def finding_new(request, code):
    org = get_object_or_404(Organization.objects.visible_to(request.user), code=code)
    form = FindingForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("orgs:organization_detail", org.code)
    try:
        services.record_finding(request.user, org, form.cleaned_data["text"], person=form.cleaned_data["person"])
    except PermissionDenied:
        raise Http404
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(request, gettext("已记录督查意见"))
    return redirect("orgs:organization_detail", org.code)


# ----- findings as records: a list, a page each, the reply and the supervisor's steps ------------
class FindingList(ScopedListView):
    """督查意见 in the user's scope: filter by organization subtree, status and author."""

    model = Finding
    template_name = "compliance/finding_list.html"
    paginate_by = 30

    def get_queryset(self):
        p = self.request.GET
        qs = (super().get_queryset().select_related("organization", "person", "author")
              .annotate(reply_count=Count("replies")).order_by("-created_at", "-id"))
        self.within = filter_org(self.request)
        if self.within is not None:
            qs = qs.filter(subtree_q(self.within.path, "organization__path"))
        if p.get("status") in FindingStatus.values:
            qs = qs.filter(status=p["status"])
        self.authors = list(get_user_model().objects.filter(
            pk__in=Finding.objects.visible_to(self.request.user).values("author")).order_by("username"))
        if p.get("author"):
            qs = qs.filter(author__username=p["author"])
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, within=self.within, params=self.request.GET,
                                        org_picker=org_filter_picker(self.request.user, self.within),
                                        statuses=FindingStatus.choices, authors=self.authors)


def finding_detail(request, pk):
    finding = get_object_or_404(Finding.objects.visible_to(request.user)
                                .select_related("organization", "person", "author"), pk=pk)
    user = request.user
    steps = [t for t in FINDINGS.available(user, finding) if t.name != "reply"]
    may_reply = allows(user, "reply", finding) and finding.status in FINDINGS["reply"].source
    panels, related = render_panels(request, finding)  # what other apps say of it (the case it is about)
    return render(request, "compliance/finding_detail.html", {
        "finding": finding, "replies": finding.replies.select_related("author", "author__profile__person"),
        "steps": steps, "may_reply": may_reply, "panels": panels,
        "audit": audit_for(finding, viewer=user, related=related),
    })


@require_POST
def finding_reply(request, pk):
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=pk)
    try:
        services.reply_to_finding(request.user, finding, request.POST.get("text", ""))
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(request, gettext("已回复督查意见"))
    return redirect("compliance:finding_detail", finding.pk)


@require_POST
def finding_step(request, pk, step):
    finding = get_object_or_404(Finding.objects.visible_to(request.user), pk=pk)
    data = {k: request.POST.get(k, "") for k in ("note", "reason") if k in request.POST}
    try:
        services.follow_up(request.user, finding, step, **data)
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(request, gettext(DONE[step]))
    return redirect("compliance:finding_detail", finding.pk)


DONE = {"close": gettext_noop("督查意见已销号"), "reopen": gettext_noop("督查意见已退回，待重新回复")}


def _say_errors(request, exc):
    errors = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
    for group in errors:
        for error in group:
            messages.error(request, error_text(error))
