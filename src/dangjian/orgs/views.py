from datetime import date

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts.policy import allows_at, may
from dangjian.ui.panels import render as render_panels
from dangjian.ui.generic import search_term, ObjectFormView, ScopedDetailView, ScopedListView, audit_for

from . import services
from .forms import OrganizationAddForm, OrganizationForm, OrganizationMoveForm, TierForm
from .models import Organization, OrgKind, Tier, TierRating
from .queries import subtree_q, tier_on


class OrganizationList(ScopedListView):
    """The tree, or a search across it by name, code or pinyin initials (“xnz” finds 锡尼镇)."""

    model = Organization
    scope_field = "path"
    template_name = "orgs/list.html"

    def get_queryset(self):
        p = self.request.GET
        today = timezone.localdate()
        # The tier filter and column hold for one day: today, or ?tier_on=DATE (the dashboard's
        # start-of-year bars), with the same set-based query the dashboard counts with.
        self.tier_day = _day(p.get("tier_on")) or today
        qs = super().get_queryset().annotate(tier_now=tier_on(self.tier_day))
        self.within = None
        if p.get("org"):
            self.within = get_object_or_404(Organization.objects.visible_to(self.request.user), code=p["org"])
            qs = qs.filter(subtree_q(self.within.path))
        self.term = search_term(p.get("q", ""))
        if self.term is None:
            qs = qs.none()  # control characters (a NUL …) are in no name or code
        elif self.term:
            term = self.term
            qs = qs.filter(Q(name__contains=term) | Q(code__startswith=term) | Q(name_initials__startswith=term.lower()))
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("tier"):
            qs = _tier_is(qs, "tier_now", p["tier"])
        # A transition between two days (the dashboard's 今年等次变化): tier on `from` → tier on `to`.
        self.transition = None
        if p.get("tier_from") or p.get("tier_to"):
            start = _day(p.get("from")) or date(today.year, 1, 1)
            end = _day(p.get("to")) or today
            qs = qs.annotate(tier_start=tier_on(start), tier_end=tier_on(end))
            if p.get("tier_from"):
                qs = _tier_is(qs, "tier_start", p["tier_from"])
            if p.get("tier_to"):
                qs = _tier_is(qs, "tier_end", p["tier_to"])
            self.transition = {"from": start, "to": end, "tier_from": p.get("tier_from"), "tier_to": p.get("tier_to")}
        self.filtered = self.term != "" or any(p.get(k) for k in ("kind", "tier", "tier_from", "tier_to"))
        if not self.filtered:
            # Without a search, show the top of the user's tree: its roots and their children.
            roots = [self.within] if self.within else self.scope.root_orgs
            self.root_paths = {r.path for r in roots}
            depth = Q()
            for r in roots:
                depth |= Q(path=r.path) | (subtree_q(r.path) & Q(depth=r.depth + 1))
            qs = qs.filter(depth) if roots else qs.none()
        return qs.order_by("path")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = self.request.GET
        labels = dict(Tier.choices) | {"none": "未定级"}
        ctx.update(within=self.within, filtered=self.filtered, kinds=OrgKind.choices,
                   tiers=Tier.choices, params=p, term=self.term or "",
                   tier_day=self.tier_day if p.get("tier_on") else None,
                   tier_label=labels.get(p.get("tier")), kind_label=dict(OrgKind.choices).get(p.get("kind")),
                   transition=self.transition and {**self.transition,
                                                   "from_label": labels.get(self.transition["tier_from"]),
                                                   "to_label": labels.get(self.transition["tier_to"])})
        if not self.filtered:
            ctx["nodes"] = _tree_nodes(ctx["object_list"], self.root_paths)
        return ctx


def _day(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _tier_is(qs, field, value):
    return qs.filter(**{f"{field}__isnull": True}) if value == "none" else qs.filter(**{field: value})


def _tree_nodes(orgs, root_paths):
    """One page of the tree's top as [(root, [its children, shown open])]; children whose
    root is on an earlier page come first under None."""
    nodes = []
    for o in orgs:
        if o.path in root_paths:
            nodes.append((o, []))
        elif nodes and (nodes[-1][0] is None or o.path.startswith(nodes[-1][0].path)):
            nodes[-1][1].append(o)
        else:
            nodes.append((None, [o]))
    return nodes


def org_children(request, code):
    """htmx: the children of one organization, for expanding the tree in place."""
    org = get_object_or_404(Organization.objects.visible_to(request.user), code=code)
    children = (Organization.objects.filter(subtree_q(org.path), depth=org.depth + 1)
                .annotate(tier_now=tier_on(timezone.localdate())).order_by("path"))
    return render(request, "orgs/_children.html", {"children": children})


class OrganizationDetail(ScopedDetailView):
    """An organization: its own record and tier history here; its team, links, visits, ledger and findings
    come as the other apps' panels (ui.panels), so this app imports none of them."""

    model = Organization
    template_name = "orgs/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.object
        today = timezone.localdate()
        user = self.request.user
        ancestors = Organization.objects.visible_to(user).filter(
            path__in=[org.path[:i] for i in range(Organization.steplen, len(org.path), Organization.steplen)])
        panels, related = render_panels(self.request, org)
        ctx.update(
            today=today,
            panels=panels,
            ancestors=ancestors.order_by("depth"),
            tier_now=Organization.objects.filter(pk=org.pk).annotate(t=tier_on(today)).values_list("t", flat=True)[0],
            children=Organization.objects.filter(subtree_q(org.path), depth=org.depth + 1)
            .annotate(tier_now=tier_on(today)).order_by("path")[:200],
            tiers=org.tier_ratings.order_by("-rated_on"),
            audit=audit_for(org, organization=org, related=related),
            can_manage=allows_at(user, "change", Organization, org),
            can_rate=org.is_branch and allows_at(user, "add", TierRating, org),
        )
        return ctx


# ------------------------------------------------------------------ keeping the tree (the department)


def _org_url(org):
    return reverse("orgs:organization_detail", args=[org.code])


class OrganizationAdd(ObjectFormView):
    """A new organization under a parent picked by name (``?parent=CODE`` fills it in)."""

    form_class = OrganizationAddForm
    template_name = "ui/object_form.html"
    title = _("新增组织")
    success_message = _("已新增组织：%(name)s")

    def dispatch(self, request, *args, **kwargs):
        if not may(request.user, "add", Organization):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"parent": self.request.GET.get("parent", ""), "kind": OrgKind.BRANCH}

    def get_cancel_url(self):
        parent = Organization.objects.visible_to(self.request.user).filter(code=self.request.GET.get("parent", ""))
        return _org_url(parent[0]) if parent else reverse("orgs:organization_list")

    def service(self, obj, c):
        return services.add_organization(self.request.user, c["parent"], c["code"], c["name"], c["kind"], c["domain"])

    def get_success_url(self, org):
        return _org_url(org)


class OrganizationEdit(ObjectFormView):
    model = Organization
    form_class = OrganizationForm
    template_name = "ui/object_form.html"
    title = _("修改组织")
    success_message = _("已保存：%(name)s")

    def get_initial(self):
        return {"name": self.object.name, "kind": self.object.kind, "domain": self.object.domain}

    def service(self, org, c):
        return services.change_organization(self.request.user, org, c["name"], c["kind"], c["domain"])

    def get_success_url(self, org):
        return _org_url(org)


class OrganizationMove(ObjectFormView):
    model = Organization
    form_class = OrganizationMoveForm
    template_name = "ui/object_form.html"
    title = _("调整上级组织")
    success_message = _("已将%(name)s调整到%(parent)s之下")
    denied_message = _("新的上级组织不在您的管理范围内")

    def get_initial(self):
        parent = Organization.objects.get_parent(self.object) if self.object.depth > 1 else None
        return {"parent": parent.code if parent else ""}

    def service(self, org, c):
        return services.move_organization(self.request.user, org, c["parent"])

    def message_params(self, org):
        return {"name": org.name, "parent": Organization.objects.get_parent(org).name}

    def get_success_url(self, org):
        return _org_url(org)


class TierAdd(ObjectFormView):
    """「扩大先进支部增量、提升中间支部水平、整顿后进支部」: a new entry in the branch's tier history."""

    model = Organization
    action = "view"
    add_model = TierRating
    form_class = TierForm
    template_name = "ui/object_form.html"
    title = _("支部定级")
    success_message = _("已为%(name)s定级")

    def get_object(self):
        org = super().get_object()
        if not org.is_branch:
            raise Http404
        return org

    def service(self, org, c):
        return services.rate_tier(self.request.user, org, c["tier"], c["rated_on"])

    def message_params(self, rating):
        return {"name": rating.organization.name}

    def get_success_url(self, rating):
        return _org_url(rating.organization)

    def get_cancel_url(self):
        return _org_url(self.object)
