from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dangjian.accounts.scope import Scope
from dangjian.web.generic import ScopedDetailView, ScopedListView, audit_for

from .models import Organization, OrgKind, Tier
from .queries import subtree_q, tier_on


class OrganizationList(ScopedListView):
    """The tree, or a search across it by name, code or pinyin initials (“xnz” finds 锡尼镇)."""

    model = Organization
    scope_field = "path"
    template_name = "orgs/list.html"

    def get_queryset(self):
        qs = super().get_queryset().annotate(tier_now=tier_on(timezone.localdate()))
        p = self.request.GET
        self.within = None
        if p.get("org"):
            self.within = get_object_or_404(self.scope.filter(Organization.objects.all(), "path"), code=p["org"])
            qs = qs.filter(subtree_q(self.within.path))
        if p.get("q"):
            term = p["q"].strip()
            qs = qs.filter(Q(name__contains=term) | Q(code__startswith=term) | Q(name_initials__startswith=term.lower()))
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("tier"):
            qs = qs.filter(tier_now__isnull=True) if p["tier"] == "none" else qs.filter(tier_now=p["tier"])
        self.filtered = any(p.get(k) for k in ("q", "kind", "tier"))
        if not self.filtered:
            # Without a search, show the top of the user's tree: its roots and their children.
            roots = [self.within] if self.within else self.scope.root_orgs
            depth = Q()
            for r in roots:
                depth |= Q(path=r.path) | (subtree_q(r.path) & Q(depth=r.depth + 1))
            qs = qs.filter(depth) if roots else qs.none()
        return qs.order_by("path")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(within=self.within, filtered=self.filtered, kinds=OrgKind.choices,
                   tiers=Tier.choices, params=self.request.GET)
        return ctx


def org_children(request, code):
    """htmx: the children of one organization, for expanding the tree in place."""
    scope = Scope.of(request.user)
    org = get_object_or_404(scope.filter(Organization.objects.all(), "path"), code=code)
    children = (Organization.objects.filter(subtree_q(org.path), depth=org.depth + 1)
                .annotate(tier_now=tier_on(timezone.localdate())).order_by("path"))
    return render(request, "orgs/_children.html", {"children": children})


class OrganizationDetail(ScopedDetailView):
    model = Organization
    scope_field = "path"
    template_name = "orgs/detail.html"

    def get_context_data(self, **kwargs):
        from dangjian.compliance.models import Finding
        from dangjian.contacts.models import Activity, ContactLink
        from dangjian.people.models import Post

        ctx = super().get_context_data(**kwargs)
        org = self.object
        today = timezone.localdate()
        scope = self.scope
        ancestors = scope.filter(Organization.objects.filter(
            path__in=[org.path[:i] for i in range(Organization.steplen, len(org.path), Organization.steplen)]), "path")
        ctx.update(
            today=today,
            ancestors=ancestors.order_by("depth"),
            tier_now=Organization.objects.filter(pk=org.pk).annotate(t=tier_on(today)).values_list("t", flat=True)[0],
            children=Organization.objects.filter(subtree_q(org.path), depth=org.depth + 1)
            .annotate(tier_now=tier_on(today)).order_by("path")[:200],
            posts=Post.objects.filter(organization=org).select_related("person").order_by("role", "-start_date"),
            tiers=org.tier_ratings.order_by("-rated_on"),
            links=ContactLink.objects.filter(organization=org).select_related("person").order_by("-start_date"),
            activities=Activity.objects.filter(organization=org).select_related("person").order_by("-date")[:50],
            problems=org.problems.order_by("-found_on")[:50],
            findings=Finding.objects.filter(organization=org).select_related("author", "person")[:50],
            audit=audit_for(org, organization=org),
            can_manage=scope.can_manage(org),
            can_write_finding=scope.can_write_finding(org),
            can_log=scope.person is not None and scope.can_edit_link(scope.person, org),
        )
        return ctx
