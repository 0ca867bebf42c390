"""A person's pages and the posts of a team, inherited from tests.scoped (people/policy.py)."""

from dangjian.people.models import Person, Post
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


class TestPersonViews(ScopedViewTests):
    model = Person
    urls = (
        Url("people:person_detail", args=lambda p: [p.code]),
        Url("people:person_list"),
        Url("people:person_export"),
        # htmx, as the link form is filled in: a person out of scope gets no notes, not a 404.
        Url("contacts:link_feedback", query=lambda p: {"person": p.code}, outside=False),
        Url("people:person_edit", args=lambda p: [p.code], action="change",
            data=lambda p: {"name": "改过的姓名", "id_card": "", "mobile": ""}),
        # The full numbers: an administrator's POST, audited (an event per reveal).
        Url("people:person_reveal", args=lambda p: [p.code], action="reveal", data=lambda p: {}, form=False),
    )

    def build_inside(self, world):
        return world.people["PAS"]  # the secretary of A1S

    def build_outside(self, world):
        return world.people["PB"]

    def org_of(self, row):
        return row.posts.order_by("pk").first().organization

    def owner_of(self, row):
        return row


class TestPostViews(ScopedViewTests):
    model = Post
    urls = (
        Url("orgs:organization_detail", args=lambda p: [p.organization.code]),  # the team, with its buttons
        Url("people:post_add", args=lambda p: [p.organization.code], action="add",
            data=lambda p: {"person": "PA2", "role": "deputy", "start_date": "2026-11-20"}),
        Url("people:post_end", args=lambda p: [p.pk], action="change", data=lambda p: {"end_date": "2026-11-25"}),
    )

    def build_inside(self, world):
        return Post.objects.get(person__code="PAS")

    def build_outside(self, world):
        return Post.objects.get(person__code="PB")
