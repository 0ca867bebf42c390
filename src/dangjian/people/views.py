import os

from django.utils import timezone

from dangjian.accounts.policy import allows_at
from dangjian.accounts.scope import Scope
from dangjian.compliance.rules import RULES_BY_ID, run_check
from dangjian.orgs.models import Organization
from dangjian.web.generic import ScopedDetailView, audit_for

from .models import Person, Post


def posts_subtree(person):
    """The smallest subtree holding every organization where ``person`` holds (or held) a post.

    Every rule checked for one person starts from that person's posts in committees and
    reaches only the branches below them, so a check of this subtree finds exactly the
    violations a check of the whole tree finds, at the cost of a banner instead of the
    province (the lagging-branch set is computed for the scope). None: the whole tree.
    """
    paths = list(person.posts.values_list("organization__path", flat=True))
    common = os.path.commonprefix(paths) if paths else ""
    common = common[:len(common) - len(common) % Organization.steplen]
    return Organization.objects.filter(path=common).first() if common else None


class PersonDetail(ScopedDetailView):
    """A person's posts, contact links, visits and open violations."""

    model = Person
    template_name = "people/detail.html"

    def get_context_data(self, **kwargs):
        from dangjian.contacts.models import Activity, ContactLink
        from dangjian.contacts.queries import annotate_due, with_last_visit
        from dangjian.contacts.views import may_link_for

        ctx = super().get_context_data(**kwargs)
        person = self.object
        user = self.request.user
        scope = Scope.of(user)
        today = timezone.localdate()
        is_me = scope.person is not None and scope.person.pk == person.pk
        # A person may serve and link across banners: the viewer sees the posts, links and
        # activities at organizations in their scope (a person sees all of their own), the
        # violations that name those organizations, and the audit of those only.
        posts = Post.objects.visible_to(user).filter(person=person)
        links = ContactLink.objects.visible_to(user).filter(person=person)
        activities = Activity.objects.visible_to(user).filter(person=person)
        links = annotate_due(list(with_last_visit(links, today).select_related("organization").order_by("-start_date")),
                             today)
        activities = list(activities.select_related("organization").prefetch_related("photos")
                          .order_by("-date", "-id")[:100])
        for link in links:
            link.can_edit = allows_at(user, "change", ContactLink, link.organization, person=person)
        violations = run_check(as_of=today, person=person, scope=posts_subtree(person)).violations
        if not is_me:
            named = {v.org for v in violations if v.org}
            visible = set(Organization.objects.visible_to(user).filter(code__in=named).values_list("code", flat=True))
            violations = [v for v in violations if v.org is None or v.org in visible]
        audit = audit_for(person, related=links + activities, viewer=None if is_me else user)
        ctx.update(
            today=today,
            posts=posts.select_related("organization").order_by("-start_date"),
            links=links,
            activities=activities,
            violations=[(RULES_BY_ID[v.rule], v) for v in violations],
            is_me=is_me,
            may_link=may_link_for(user, person),
            audit=audit,
        )
        return ctx
