from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from dangjian.accounts.policy import allows, may
from dangjian.accounts.scope import Scope
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.queries import subtree_q
from dangjian.records.sealed import digest
from dangjian.ui.panels import render as render_panels
from dangjian.ui.generic import FilteredListView, ObjectFormView, ScopedDetailView, audit_for

from . import services
from .forms import COMMITTEES, EndPostForm, PersonFilterForm, PersonForm, PostForm
from .models import Person, Post


class PersonDetail(ScopedDetailView):
    """A person's posts, contact links, visits and open violations."""

    model = Person
    template_name = "people/detail.html"

    def get_context_data(self, **kwargs):
        """The person's own record here; their posts, links, visits and violations come as panels (ui.panels)."""
        ctx = super().get_context_data(**kwargs)
        person = self.object
        user = self.request.user
        scope = Scope.of(user)
        is_me = scope.person is not None and scope.person.pk == person.pk
        panels, related = render_panels(self.request, person)
        # The viewer sees the audit of what is in their scope; a person sees all of their own.
        ctx.update(panels=panels, is_me=is_me, can_edit=allows(user, "change", person),
                   can_reveal=allows(user, "reveal", person),
                   audit=audit_for(person, related=related, viewer=None if is_me else user))
        return ctx


class PersonReveal(PersonDetail):
    """The person's page with the full 身份证号 and 手机号: an administrator's explicit, audited request (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not allows(request.user, "reveal", self.object):
            raise Http404
        revealed = services.reveal_numbers(request.user, self.object)
        response = self.render_to_response(self.get_context_data(object=self.object, revealed=revealed))
        response["Cache-Control"] = "no-store"
        return response


# ------------------------------------------------------------------ the directory, and keeping the records


def current_posts(user, today=None):
    """The posts that hold today at organizations ``user`` may see (a Prefetch for ``current_posts``)."""
    today = today or timezone.localdate()
    return Prefetch("posts", to_attr="current_posts", queryset=(
        Post.objects.visible_to(user).filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("organization").order_by("organization__path", "role")))


def _holding(today, **org_filter):
    return Exists(Post.objects.filter(person=OuterRef("pk"), **org_filter)
                  .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
                  .filter(Q(end_date__isnull=True) | Q(end_date__gte=today)))


class PersonList(FilteredListView):
    """人员名录: search by name, code or pinyin initials; an organization's subtree; the current post."""

    model = Person
    template_name = "people/list.html"
    filter_form = PersonFilterForm
    paginate_by = 50

    def filter_queryset(self, qs, c):
        from dangjian.ui.generic import search_term

        today = timezone.localdate()
        term = search_term(c.get("q") or "")
        if term is None:
            return qs.none()
        if term:
            found = Q(name__contains=term) | Q(code__startswith=term) | Q(name_initials__startswith=term.lower())
            if len(term) in (11, 18) and may(self.request.user, "reveal", Person):
                # A whole 身份证号 or 手机号, for an administrator: found by its keyed digest (records.sealed).
                found |= Q(id_card_digest=digest("id_card", term.upper())) | Q(mobile_digest=digest("mobile", term))
            qs = qs.filter(found)
        if c.get("org"):
            qs = qs.filter(Exists(Post.objects.filter(subtree_q(c["org"].path, "organization__path"),
                                                      person=OuterRef("pk"))))
        post = c.get("post")
        if post == "committee":
            qs = qs.filter(_holding(today, organization__kind__in=COMMITTEES))
        elif post == "branch":
            qs = qs.filter(_holding(today, organization__kind=OrgKind.BRANCH))
        elif post == "none":
            qs = qs.exclude(_holding(today))
        return qs.prefetch_related(current_posts(self.request.user, today)).order_by("name_initials", "name", "code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = list(ctx["object_list"])
        editable = set(Person.objects.visible_to(self.request.user, "change")
                       .filter(pk__in=[p.pk for p in page]).values_list("pk", flat=True)) if page else set()
        for p in page:
            p.can_edit = p.pk in editable
        ctx["people"] = page
        ctx["can_reveal"] = may(self.request.user, "reveal", Person)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx["export_params"] = params.urlencode()
        return ctx


class PersonExport(PersonList):
    """The directory as filtered, as a workbook; ``full=1``: an administrator's full numbers, audited."""

    def get(self, request, *args, **kwargs):
        import tempfile
        from urllib.parse import quote

        full = request.GET.get("full") == "1"
        if full and not may(request.user, "reveal", Person):
            raise Http404
        qs = self.get_queryset()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            services.export_people(request.user, qs, fh.name, full=full)
            data = open(fh.name, "rb").read()
        response = HttpResponse(data, content_type=XLSX)
        name = gettext("人员名录") + ("-" + gettext("含完整号码") if full else "") + ".xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response["Cache-Control"] = "no-store"
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PersonEdit(ObjectFormView):
    """姓名、身份证号、手机号. The numbers held are shown masked (their full text only through the audited
    reveal): a blank box keeps the number, a ticked 清除 removes it."""

    model = Person
    form_class = PersonForm
    template_name = "ui/object_form.html"
    title = _("修改人员信息")
    success_message = _("已保存：%(name)s")

    def get_initial(self):
        return {"name": self.object.name}

    def service(self, person, c):
        def wanted(field):
            if c.get(f"clear_{field}"):
                return ""
            return c[field] or None  # blank: the number held stays
        return services.change_person(self.request.user, person, c["name"], wanted("id_card"), wanted("mobile"))

    def get_success_url(self, person):
        return reverse("people:person_detail", args=[person.code])


class PostAdd(ObjectFormView):
    """任职: a person (picked by name) takes a post in this organization's team."""

    model = Organization
    action = "view"
    add_model = Post
    form_class = PostForm
    template_name = "ui/object_form.html"
    title = _("新增任职")
    success_message = _("已任职：%(name)s")

    def get_cancel_url(self):
        return reverse("orgs:organization_detail", args=[self.object.code])

    def service(self, org, c):
        return services.appoint(self.request.user, c["person"], org, c["role"], c["start_date"])

    def message_params(self, post):
        return {"name": f"{post.person.name} {post.organization.name} {gettext(post.get_role_display())}"}

    def get_success_url(self, post):
        return reverse("orgs:organization_detail", args=[post.organization.code])


class PostEnd(ObjectFormView):
    """免职: the post ends on a date; the record stays as history."""

    model = Post
    lookup = "pk"
    form_class = EndPostForm
    template_name = "ui/object_form.html"
    title = _("免职")
    success_message = _("已免职：%(name)s")

    def get_object(self):
        post = super().get_object()
        if post.end_date is not None:
            raise Http404
        return post

    def service(self, post, c):
        return services.end_post(self.request.user, post, c["end_date"])

    def message_params(self, post):
        return {"name": f"{post.person.name} {post.organization.name} {gettext(post.get_role_display())}"}

    def get_success_url(self, post):
        return reverse("orgs:organization_detail", args=[post.organization.code])
