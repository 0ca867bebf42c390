import unicodedata
from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dangjian.accounts.policy import allows_at
from dangjian.web.generic import ScopedDetailView, ScopedListView, audit_for

from .models import Organization, OrgKind, Tier
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


def search_term(text):
    """The search box's text, trimmed; "" when blank (no search), None when it holds control characters.

    No name or code holds a NUL or another control character, so such a term matches nothing
    (and never reaches the database: PostgreSQL refuses NUL in a string).
    """
    term = text.strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in term):
        return None
    return term


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
    model = Organization
    scope_field = "path"
    template_name = "orgs/detail.html"

    def get_context_data(self, **kwargs):
        from dangjian.compliance.models import Finding
        from dangjian.compliance.forms import FindingForm
        from dangjian.contacts.models import Activity, ContactLink
        from dangjian.people.models import Post
        from dangjian.problems.models import Problem

        ctx = super().get_context_data(**kwargs)
        org = self.object
        today = timezone.localdate()
        scope = self.scope
        user = self.request.user
        ancestors = Organization.objects.visible_to(self.request.user).filter(
            path__in=[org.path[:i] for i in range(Organization.steplen, len(org.path), Organization.steplen)])
        ctx.update(
            today=today,
            ancestors=ancestors.order_by("depth"),
            tier_now=Organization.objects.filter(pk=org.pk).annotate(t=tier_on(today)).values_list("t", flat=True)[0],
            children=Organization.objects.filter(subtree_q(org.path), depth=org.depth + 1)
            .annotate(tier_now=tier_on(today)).order_by("path")[:200],
            posts=Post.objects.filter(organization=org).select_related("person").order_by("role", "-start_date"),
            tiers=org.tier_ratings.order_by("-rated_on"),
            links=ContactLink.objects.filter(organization=org).select_related("person").order_by("-start_date"),
            **self.records_below(org, user),
            audit=audit_for(org, organization=org),
            can_manage=allows_at(user, "change", Organization, org),
            can_write_finding=allows_at(user, "add", Finding, org),
            finding_form=FindingForm(user=user) if allows_at(user, "add", Finding, org) else None,
            can_log_problem=allows_at(user, "add", Problem, org),
            can_log=allows_at(user, "add", Activity, org, person=scope.person),
        )
        return ctx

    LATEST = 10

    def records_below(self, org, user):
        """The latest activities, problems and findings of ``org``, or of its whole subtree when it has one.

        A committee's or general branch's page answers for everything below it: the rows carry
        their organization's name, the count is the subtree's, the full list is a link. Three
        queries and three counts whatever the subtree's size.
        """
        from dangjian.compliance.models import Finding
        from dangjian.contacts.models import Activity
        from dangjian.problems.models import Problem

        below = subtree_q(org.path, "organization__path") if not org.is_branch else Q(organization=org)
        activities = Activity.objects.visible_to(user).filter(below)
        problems = Problem.objects.visible_to(user).filter(below)
        findings = Finding.objects.visible_to(user).filter(below)
        return {
            "subtree": not org.is_branch,
            "activities": activities.select_related("person", "organization").order_by("-date", "-id")[:self.LATEST],
            "activity_count": activities.count(),
            "problems": problems.select_related("organization").order_by("-found_on", "-id")[:self.LATEST],
            "problem_count": problems.count(),
            "findings": findings.select_related("author", "person", "organization").order_by("-created_at", "-id")[:10],
            "finding_count": findings.count(),
        }
