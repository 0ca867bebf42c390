import os

from django.utils import timezone

from dangjian.accounts.scope import Scope
from dangjian.compliance.rules import RULES_BY_ID, run_check
from dangjian.orgs.models import Organization
from dangjian.web.generic import ScopedDetailView, audit_for

from .models import Person


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

    def get_queryset(self):
        return Scope.of(self.request.user).people(Person.objects.all())

    def get_context_data(self, **kwargs):
        from dangjian.contacts.models import Activity, ContactLink

        ctx = super().get_context_data(**kwargs)
        person = self.object
        scope = Scope.of(self.request.user)
        today = timezone.localdate()
        is_me = scope.person is not None and scope.person.pk == person.pk
        # A person may be linked across banners: the viewer sees the links and activities at
        # organizations in their scope (and all of their own), and the audit of those only.
        # The violations concern the person, so they show whole.
        links = ContactLink.objects.filter(person=person)
        activities = Activity.objects.filter(person=person)
        if not is_me:
            links, activities = scope.filter(links), scope.filter(activities)
        links = list(links.select_related("organization").order_by("-start_date"))
        activities = list(activities.select_related("organization").prefetch_related("photos")
                          .order_by("-date", "-id")[:100])
        for link in links:
            link.can_edit = scope.can_edit_link(person, link.organization)
        violations = run_check(as_of=today, person=person, scope=posts_subtree(person)).violations
        # Events on the person record itself at an organization outside the scope stay hidden too.
        audit = audit_for(person, related=links + activities, within=None if is_me else scope)
        ctx.update(
            today=today,
            posts=person.posts.select_related("organization").order_by("-start_date"),
            links=links,
            activities=activities,
            violations=[(RULES_BY_ID[v.rule], v) for v in violations],
            is_me=is_me,
            may_link=scope.may_set_up_links(person),
            audit=audit,
        )
        return ctx
