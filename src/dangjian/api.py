"""The REST API (django-ninja), scoped exactly like the pages.

The browser uses its session; scripts send ``Authorization: Bearer <token>``
(tokens: ``dangjian token USERNAME``). OpenAPI at ``/api/docs``, for those logged in.
"""

import json
from datetime import date, datetime
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema, Status, Swagger
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, django_auth

from dangjian.accountability.models import Case, CaseStatus, CaseStep
from dangjian.accountability.queries import case_findings, overdue_q
from dangjian.accounts.models import ApiToken
from dangjian.accounts.scope import Scope
from dangjian.compliance import services as finding_services
from dangjian.compliance.models import Finding, FindingStatus
from dangjian.compliance.rules import RULES_BY_ID, input_problems
from dangjian.contacts import services as contact_services
from dangjian.contacts.models import Activity, ActivityKind, ContactLink, LinkKind
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Domain, Organization, OrgKind
from dangjian.orgs.queries import subtree_q
from dangjian.people import services as people_services
from dangjian.people.models import Person, Post, PostRole
from dangjian.problems import services as problem_services
from dangjian.problems.models import Problem, ProblemStatus
from dangjian.problems.workflow import PROBLEMS
from dangjian.problems.reports import problem_figures
from dangjian.compliance.cache import cached_check


class LocalSwagger(Swagger):
    """Swagger UI from django-ninja's bundled files (settings add its template and static folders).

    Ninja serves them itself only when it is an installed app; otherwise it links a CDN,
    which an offline government intranet cannot reach.
    """

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api,
                   "add_csrf": True}  # the browser's session writes need its CSRF token
        return render(request, self.template, context)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


def docs_need_login(view):
    """/api/docs and /api/openapi.json for a logged-in user or a valid token only: the schema
    maps every endpoint. Anonymous, the docs page goes to the login; the schema answers 401."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.is_authenticated or BearerToken()(request):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "需要登录或接口令牌"}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded


api = NinjaAPI(
    title="dangjian API", version="1", description="党建工作联系点制度：组织、人员、联系点、活动、民生问题与制度检查",
    # The token first: ninja's session auth refuses a request without a CSRF token before the
    # token is looked at, which would refuse every script's write.
    auth=[BearerToken(), django_auth], urls_namespace="api", docs=LocalSwagger(), docs_decorator=docs_need_login,
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return api.create_response(request, {"detail": exc.message_dict if hasattr(exc, "error_dict") else exc.messages},
                               status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "无权执行此操作"}, status=403)


# Larger numbers than this in ``limit`` and ``offset`` are no page anyone asks for, and past
# 2**63 SQL's LIMIT/OFFSET cannot hold them (a 500 on both databases before).
MAX_PAGE_NUMBER = 10**9


class Pages(LimitOffsetPagination):
    """ninja's limit/offset pagination with both numbers bounded: an absurd one is a 422, not a 500."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_NUMBER)
        offset: int = Field(0, ge=0, le=MAX_PAGE_NUMBER)


def scope_of(request):
    return Scope.of(request.user)


def visible_org(request, code):
    return get_object_or_404(Organization.objects.visible_to(request.user), code=code)


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    domain: str
    depth: int
    parent: str | None = None

    @staticmethod
    def resolve_parent(obj):
        if hasattr(obj, "parent_code"):
            return obj.parent_code
        parent = Organization.objects.get_parent(obj) if obj.depth > 1 else None
        return parent.code if parent else None


def with_parent_code(qs):
    """Each organization's parent's code, in the same query (its path less one step)."""
    step = Organization.steplen
    parent = Organization.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - step))
    return qs.annotate(parent_code=Subquery(parent.values("code")[:1]))


class OrgIn(Schema):
    parent: str
    code: str
    name: str
    kind: OrgKind
    domain: Domain | None = None


class OrgPatch(Schema):
    """Any of the fields; ``parent``: move the organization (with its subtree) under this one."""

    name: str | None = None
    kind: OrgKind | None = None
    domain: Domain | None = None
    parent: str | None = None


class PersonOut(Schema):
    code: str
    name: str
    id_card: str = Field("", alias="id_card_masked")  # masked: 152***********3886
    mobile: str = Field("", alias="mobile_masked")  # masked: 138****5678


class PersonPatch(Schema):
    name: str | None = None
    id_card: str | None = None
    mobile: str | None = None


class PostOut(Schema):
    id: int
    person: str = Field(..., alias="person.code")
    org: str = Field(..., alias="organization.code")
    role: str
    start_date: date | None
    end_date: date | None


class PostIn(Schema):
    person: str
    org: str
    role: PostRole
    start_date: date


class PostEndIn(Schema):
    end_date: date


class LinkOut(Schema):
    id: int
    person: str = Field(..., alias="person.code")
    org: str = Field(..., alias="organization.code")
    kind: str
    start_date: date | None
    end_date: date | None


class LinkIn(Schema):
    person: str
    org: str
    kind: LinkKind
    start_date: date | None = None
    end_date: date | None = None


class LinkEndIn(Schema):
    end_date: date


class ActivityOut(Schema):
    id: int
    person: str = Field(..., alias="person.code")
    org: str = Field(..., alias="organization.code")
    date: date
    kind: str
    content: str


class ActivityIn(Schema):
    person: str | None = None
    org: str
    date: date
    kind: ActivityKind
    content: str = ""


class ProblemOut(Schema):
    code: str
    org: str = Field(..., alias="organization.code")
    category: str
    description: str
    found_on: date
    status: str
    completed_on: date | None
    completion_note: str


class ProblemDetailOut(ProblemOut):
    transitions: list[str] = Field(..., description="the steps the caller may take now (POST …/transitions/{name})")


class TransitionIn(Schema):
    """A step's data: 办结 (complete) needs confirm, completion_note and completed_on; 重新办理 (reopen) a reason."""

    confirm: bool = False
    completion_note: str = ""
    completed_on: date | None = None
    reason: str = ""


class ReplyOut(Schema):
    author: str = Field(..., alias="author.username")
    text: str
    created_at: datetime


class FindingOut(Schema):
    id: int
    org: str = Field(..., alias="organization.code")
    person: str | None = None
    author: str = Field(..., alias="author.username")
    text: str
    status: FindingStatus
    created_at: datetime
    replied_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_person(obj):
        return obj.person.code if obj.person_id else None


class FindingDetailOut(FindingOut):
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(obj):
        return list(obj.replies.select_related("author"))


class FindingIn(Schema):
    org: str
    text: str
    person: str | None = None


class ReplyIn(Schema):
    text: str


class FindingStatusIn(Schema):
    """``closed`` (销号, an optional ``note``) or ``open`` (sent back, with a ``reason``)."""

    status: FindingStatus
    note: str = ""
    reason: str = ""


@api.get("/orgs", response=list[OrgOut], tags=["组织"])
@paginate(Pages)
def list_orgs(request, q: str = "", kind: str = "", within: str = ""):
    qs = with_parent_code(Organization.objects.visible_to(request.user))
    if within:
        qs = qs.filter(subtree_q(visible_org(request, within).path))
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(code__startswith=q) | qs.filter(name_initials__startswith=q.lower())
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


@api.get("/orgs/{code}", response=OrgOut, tags=["组织"])
def get_org(request, code: str):
    return get_object_or_404(with_parent_code(Organization.objects.visible_to(request.user)), code=code)


@api.post("/orgs", response={201: OrgOut}, tags=["组织"])
def create_org(request, data: OrgIn):
    """A new organization under ``parent`` (organization administrators, inside their scope)."""
    org = org_services.add_organization(request.user, visible_org(request, data.parent), data.code, data.name,
                                        data.kind, data.domain or "")
    return Status(201, get_org(request, org.code))


@api.patch("/orgs/{code}", response=OrgOut, tags=["组织"])
def update_org(request, code: str, data: OrgPatch):
    """Rename, change the kind or domain, and/or move under a new ``parent``: all or nothing."""
    org = get_object_or_404(Organization.objects.visible_to(request.user, "change"), code=code)
    with transaction.atomic():
        fields = data.dict(exclude_unset=True)
        if {"name", "kind", "domain"} & set(fields):
            org = org_services.change_organization(request.user, org, fields.get("name") or org.name,
                                                   fields.get("kind") or org.kind,
                                                   fields["domain"] or "" if "domain" in fields else org.domain)
        if fields.get("parent"):
            org = org_services.move_organization(request.user, org, visible_org(request, fields["parent"]))
    return get_org(request, org.code)


@api.get("/people/{code}", response=PersonOut, tags=["人员"])
def get_person(request, code: str):
    return get_object_or_404(Person.objects.visible_to(request.user), code=code)


@api.patch("/people/{code}", response=PersonOut, tags=["人员"])
def update_person(request, code: str, data: PersonPatch):
    """姓名、身份证号、手机号 (checked as the import checks them); the answer shows them masked."""
    person = get_object_or_404(Person.objects.visible_to(request.user, "change"), code=code)
    fields = data.dict(exclude_unset=True)
    return people_services.change_person(
        request.user, person, fields.get("name") or person.name,
        fields["id_card"] or "" if "id_card" in fields else person.id_card,
        fields["mobile"] or "" if "mobile" in fields else person.mobile)


@api.post("/posts", response={201: PostOut}, tags=["人员"])
def create_post(request, data: PostIn):
    person = get_object_or_404(Person.objects.visible_to(request.user), code=data.person)
    post = people_services.appoint(request.user, person, visible_org(request, data.org), data.role, data.start_date)
    return Status(201, post)


@api.post("/posts/{post_id}/end", response=PostOut, tags=["人员"])
def end_post(request, post_id: int, data: PostEndIn):
    post = get_object_or_404(Post.objects.visible_to(request.user).select_related("person", "organization"),
                             pk=post_id)
    return people_services.end_post(request.user, post, data.end_date)


@api.get("/links", response=list[LinkOut], tags=["联系点"])
@paginate(Pages)
def list_links(request, person: str = "", org: str = ""):
    qs = ContactLink.objects.visible_to(request.user).select_related("person", "organization")
    if person:
        qs = qs.filter(person__code=person)
    if org:
        qs = qs.filter(organization__code=org)
    return qs.order_by("id")


@api.post("/links", response={201: LinkOut}, tags=["联系点"])
def create_link(request, data: LinkIn):
    person = get_object_or_404(Person.objects.visible_to(request.user), code=data.person)
    org = visible_org(request, data.org)
    link = contact_services.set_up_link(request.user, person, org, data.kind, data.start_date, data.end_date)
    return Status(201, link)


@api.post("/links/{link_id}/end", response=LinkOut, tags=["联系点"])
def end_link(request, link_id: int, data: LinkEndIn):
    link = get_object_or_404(ContactLink.objects.visible_to(request.user).select_related("person", "organization"),
                             pk=link_id)
    return contact_services.end_link(request.user, link, data.end_date)


@api.get("/activities", response=list[ActivityOut], tags=["活动"])
@paginate(Pages)
def list_activities(request, person: str = "", org: str = ""):
    qs = Activity.objects.visible_to(request.user).select_related("person", "organization")
    if person:
        qs = qs.filter(person__code=person)
    if org:
        qs = qs.filter(organization__code=org)
    return qs.order_by("-date", "-id")


@api.post("/activities", response={201: ActivityOut}, tags=["活动"])
def create_activity(request, data: ActivityIn):
    scope = scope_of(request)
    person = get_object_or_404(Person.objects.visible_to(request.user), code=data.person) if data.person else scope.person
    if person is None:
        raise Http404
    org = visible_org(request, data.org)
    activity = contact_services.log_activity(request.user, person, org, data.date, data.kind, data.content)
    return Status(201, activity)


@api.get("/problems", response=list[ProblemOut], tags=["民生问题"])
@paginate(Pages)
def list_problems(request, org: str = "", category: str = "", status: str = ""):
    """``status``: pending / in_progress / done, or as the workbook says it, 待办理 / 办理中 / 已办结."""
    qs = Problem.objects.visible_to(request.user).select_related("organization")
    if org:
        qs = qs.filter(subtree_q(visible_org(request, org).path, "organization__path"))
    if category:
        qs = qs.filter(category=category)
    if status:
        by_label = {label: value for value, label in ProblemStatus.choices}
        if status not in by_label.values() and status not in by_label:
            raise HttpError(422, f"状态“{status}”无效（可选：{'、'.join(by_label)}，或 {', '.join(by_label.values())}）")
        qs = qs.filter(status=by_label.get(status, status))
    return qs.order_by("code")


def visible_problem(request, code):
    return get_object_or_404(Problem.objects.visible_to(request.user).select_related("organization", "team"),
                             code=code)


def problem_detail(request, problem):
    problem.transitions = [t.name for t in PROBLEMS.available(request.user, problem)]
    return problem


@api.get("/problems/{code}", response=ProblemDetailOut, tags=["民生问题"])
def get_problem(request, code: str):
    return problem_detail(request, visible_problem(request, code))


@api.post("/problems/{code}/transitions/{name}", response=ProblemDetailOut, tags=["民生问题"])
def take_problem_step(request, code: str, name: str, data: TransitionIn):
    """Take one step of the ledger's table: take_up, complete or reopen (as ``transitions`` offers them)."""
    problem = visible_problem(request, code)
    if name not in PROBLEMS.transitions:
        raise Http404
    problem = problem_services.transition(request.user, problem, name, **data.dict())
    return problem_detail(request, problem)


@api.get("/reports/problems", tags=["民生问题"])
def problems_report(request, org: str = ""):
    """The livelihood-problem figures of CONTRACT §4, for the caller's scope."""
    scope = scope_of(request)
    if org:
        return problem_figures(visible_org(request, org)).as_json()
    return problem_figures(queryset=Problem.objects.visible_to(request.user)).as_json()


@api.get("/check", tags=["制度检查"])
def check(request, as_of: date | None = None, org: str = "", visit_days: int = 90):
    """The rules of CONTRACT §3, as ``dangjian check --format json`` prints them."""
    try:
        roots = scope_of(request).page_roots(org)
    except LookupError:
        raise Http404
    if roots is not None and not roots:
        raise Http404
    problems = input_problems(as_of=as_of, visit_days=visit_days)
    if problems:
        raise HttpError(422, "；".join(problems))
    as_of = as_of or timezone.localdate()
    result = cached_check(roots, as_of, visit_days)
    from dangjian.compliance.services import record_export  # the check names people: it leaves audited

    record_export(result, actor=request.user, organization=roots[0] if roots and len(roots) == 1 else None,
                  fmt="json")
    return result.as_json()


def visible_finding(request, finding_id):
    return get_object_or_404(Finding.objects.visible_to(request.user).select_related("organization", "person", "author"),
                             pk=finding_id)


@api.get("/findings", response=list[FindingOut], tags=["督查意见"])
@paginate(Pages)
def list_findings(request, org: str = "", status: FindingStatus | None = None, author: str = ""):
    """督查意见 in the caller's scope; ``org``: that organization's whole subtree."""
    qs = Finding.objects.visible_to(request.user).select_related("organization", "person", "author")
    if org:
        qs = qs.filter(subtree_q(visible_org(request, org).path, "organization__path"))
    if status:
        qs = qs.filter(status=status)
    if author:
        qs = qs.filter(author__username=author)
    return qs.order_by("-created_at", "-id")


@api.get("/findings/{finding_id}", response=FindingDetailOut, tags=["督查意见"])
def get_finding(request, finding_id: int):
    return visible_finding(request, finding_id)


@api.post("/findings", response={201: FindingOut}, tags=["督查意见"])
def create_finding(request, data: FindingIn):
    """Supervisors (and the department) record a finding; it starts 待回复 (open)."""
    org = visible_org(request, data.org)
    person = get_object_or_404(Person.objects.visible_to(request.user), code=data.person) if data.person else None
    return Status(201, finding_services.record_finding(request.user, org, data.text, person=person))


@api.post("/findings/{finding_id}/replies", response={201: FindingDetailOut}, tags=["督查意见"])
def reply_to_finding(request, finding_id: int, data: ReplyIn):
    """The branch side answers (its secretary, the leaders linking it, the department); several replies allowed."""
    finding, _ = finding_services.reply_to_finding(request.user, visible_finding(request, finding_id), data.text)
    return Status(201, finding)


@api.post("/findings/{finding_id}/status", response=FindingOut, tags=["督查意见"])
def change_finding_status(request, finding_id: int, data: FindingStatusIn):
    """The supervisor follows a replied finding up: ``closed`` (销号) or back to ``open`` with a reason."""
    finding = visible_finding(request, finding_id)
    if data.status == FindingStatus.CLOSED:
        return finding_services.follow_up(request.user, finding, "close", note=data.note)
    if data.status == FindingStatus.OPEN:
        return finding_services.follow_up(request.user, finding, "reopen", reason=data.reason)
    raise HttpError(422, "回复请用 /findings/{id}/replies")


# ------------------------------------------------------------------ 失责必问: the cases (read here; the steps are the workflow's)


class CaseStepOut(Schema):
    on: date
    step: str
    sweep: date | None = Field(None, description="the day of the sweep that moved the case (null: moved by hand)")

    @staticmethod
    def resolve_sweep(obj):
        return obj.sweep.on if obj.sweep_id else None


class CaseOut(Schema):
    id: int
    rule: str
    person: str | None = None
    org: str | None = None
    unit: str | None = None
    handler: str | None = None
    status: str
    step: str
    opened_on: date
    deadline: date | None
    closed_on: date | None

    @staticmethod
    def resolve_person(obj):
        return obj.person.code if obj.person_id else None

    @staticmethod
    def resolve_org(obj):
        return obj.org.code if obj.org_id else None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code if obj.unit_id else None

    @staticmethod
    def resolve_handler(obj):
        return obj.handler.code if obj.handler_id else None


class CaseFindingOut(Schema):
    """A 督查意见 recorded about the case (compliance's finding: its replies at /api/findings/{id})."""

    id: int
    text: str
    status: FindingStatus
    created_at: datetime


class CaseDetailOut(CaseOut):
    history: list[CaseStepOut]
    findings: list[CaseFindingOut] = Field(description="the findings recorded about the case, oldest first")
    progress: str = Field(description="the paperwork's state (talk_held, evidence_pending …), beside §5's step")
    transitions: list[str] = Field(description="the human steps the caller may take now (POST …/transitions/{name})")

    @staticmethod
    def resolve_transitions(obj):
        return getattr(obj, "transitions", [])

    @staticmethod
    def resolve_findings(obj):
        return getattr(obj, "findings", [])

    @staticmethod
    def resolve_history(obj):
        return list(obj.history.select_related("sweep").order_by("on", "id"))


def _choice(name, value, choices):
    if value and value not in dict(choices):
        raise HttpError(422, f"{name}“{value}”无效（可选：{', '.join(dict(choices))}）")
    return value


@api.get("/cases", response=list[CaseOut], tags=["失责必问"])
@paginate(Pages)
def list_cases(request, rule: str = "", step: str = "", status: str = "", org: str = "", person: str = "",
               handler: str = "", overdue: bool = False):
    """问责事项 the caller may see (its person, its handler, the department and supervisors over its unit).

    ``org``: cases whose unit lies in that subtree; ``person`` / ``handler``: a 人员编号;
    ``overdue``: open cases past their deadline."""
    qs = Case.objects.visible_to(request.user).select_related("person", "org", "unit", "handler")
    if rule:
        qs = qs.filter(rule=_choice("规则", rule, {r: r for r in RULES_BY_ID}))
    if step:
        qs = qs.filter(step=_choice("步骤", step, CaseStep.choices))
    if status:
        qs = qs.filter(status=_choice("状态", status, CaseStatus.choices))
    if org:
        qs = qs.filter(subtree_q(visible_org(request, org).path, "unit__path"))
    if person:
        qs = qs.filter(person__code=person)
    if handler:
        qs = qs.filter(handler__code=handler)
    if overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    return qs.order_by("id")


def _visible_case(request, case_id):
    return get_object_or_404(Case.objects.visible_to(request.user).select_related("person", "org", "unit", "handler"),
                             pk=case_id)


def _case_detail(request, case):
    from dangjian.accountability.workflow import offered

    case.transitions = [t.name for t in offered(request.user, case)]
    case.findings = case_findings(request.user, case)
    return case


@api.get("/cases/{case_id}", response=CaseDetailOut, tags=["失责必问"])
def get_case(request, case_id: int):
    """One case with the steps it reached (CONTRACT §5's ``history``, each with its sweep's day) and the human
    steps the caller may take now."""
    return _case_detail(request, _visible_case(request, case_id))


class CaseStepIn(Schema):
    """A human step's data, as its form asks it (attachments only through the pages)."""

    on: date | None = Field(None, description="hold_talk, record_criticism: the day")
    place: str = Field("", description="hold_talk")
    attendees: str = Field("", description="hold_talk: who attended")
    content: str = Field("", description="what was said, reported, decided or answered; a reason")
    account: str = Field("", description="hold_talk: the person's own account (说明/申辩)")
    promise: str = Field("", description="hold_talk: the rectification promised")
    decided_by: str = Field("", description="record_criticism: who decided")


@api.post("/cases/{case_id}/transitions/{name}", response=CaseDetailOut, tags=["失责必问"])
def take_case_step(request, case_id: int, name: str, data: CaseStepIn):
    """Take one human step (hold_talk, report_rectification, accept_evidence, return_evidence, record_criticism,
    appeal, answer_appeal, escalate, dismiss), as ``transitions`` offers them; checked as the page's form is."""
    from dangjian.accountability import services as case_services
    from dangjian.accountability.forms import FORMS
    from dangjian.accountability.workflow import CASES, WHEN, _message

    case = _visible_case(request, case_id)
    if name not in FORMS or not CASES[name].permission(request.user, case):
        raise Http404  # not the caller's step, as on the pages
    refused = WHEN[name](case)
    if refused:
        raise _message(refused) if not isinstance(refused, str) else ValidationError(refused)
    form = FORMS[name]({k: v.isoformat() if isinstance(v, date) else v for k, v in data.dict().items()
                        if v not in (None, "")})
    form.fields.pop("files", None)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    case_services.take_step(request.user, case, name, form.cleaned_data)
    return _case_detail(request, _visible_case(request, case_id))
