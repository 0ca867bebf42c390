"""People's panels: an organization's team on its page, a person's posts on theirs."""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from dangjian.accounts.policy import allows_at
from dangjian.ui.panels import Panel, register

from .models import Post


def team(posts, today):
    """An organization's posts as its team reads: 书记, 副书记, 委员; current posts before ended ones."""
    rank = Case(When(role="secretary", then=Value(0)), When(role="deputy", then=Value(1)),
                default=Value(2), output_field=IntegerField())
    ended = Case(When(end_date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField())
    return posts.annotate(ended=ended, rank=rank).order_by("ended", "rank", "-start_date", "person__name")


def _org_posts(request, org):
    today = timezone.localdate()
    user = request.user
    return {"today": today, "posts": team(Post.objects.filter(organization=org).select_related("person"), today),
            "can_appoint": allows_at(user, "add", Post, org) and allows_at(user, "change", Post, org)}


def _person_posts(request, person):
    return {"posts": Post.objects.visible_to(request.user).filter(person=person).select_related("organization")
            .order_by("-start_date")}


register("orgs.organization", Panel("posts", "people/panels/org_posts.html", _org_posts, slot="left", order=10))
register("people.person", Panel("posts", "people/panels/person_posts.html", _person_posts, slot="left", order=10))
