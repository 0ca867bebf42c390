"""Links and visits, inherited from tests.scoped (contacts/policy.py: the department's, and one's own)."""

from django.core.files.base import ContentFile

from dangjian.contacts.models import Activity, ActivityPhoto, ContactLink
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


def link_data(link):
    return {"person": link.person.code, "organization": link.organization.code, "kind": "contact_point",
            "start_date": "2026-11-01"}


class TestContactLinkViews(ScopedViewTests):
    model = ContactLink
    urls = (
        Url("people:person_detail", args=lambda link: [link.person.code]),
        Url("orgs:organization_detail", args=lambda link: [link.organization.code]),
        Url("contacts:link_add", action="add", data=link_data),
        Url("contacts:link_change", args=lambda link: [link.pk], action="change",
            data=lambda link: {"kind": "contact_point", "start_date": "2026-02-01", "end_date": ""}),
        Url("contacts:link_end", args=lambda link: [link.pk], action="change",
            data=lambda link: {"end_date": "2026-11-25"}),
    )

    def build_inside(self, world):
        return world.link("PA2", "A1S", "联系支部", start="2026-01-01")  # a team member's: no A user's own

    def build_outside(self, world):
        return ContactLink.objects.get(person__code="PB")


def with_photo(visit, name):
    ActivityPhoto.objects.create(activity=visit, image=ContentFile(b"\x89PNG " + name.encode(), name=f"{name}.png"))
    return visit


class TestActivityViews(ScopedViewTests):
    model = Activity
    urls = (
        Url("contacts:activity_list", query=lambda a: {"org": a.organization.code}),
        Url("contacts:photo_detail", args=lambda a: [a.photos.get().pk]),
        Url("contacts:activity_add", action="add",
            data=lambda a: {"person": a.person.code, "organization": a.organization.code, "date": "2026-11-20",
                            "kind": "research", "content": "又一次调研"}),
    )

    def build_inside(self, world):
        return with_photo(world.visit("PA2", "A1S", "2026-11-01", content="甲嘎查的调研"), "a")

    def build_outside(self, world):
        return with_photo(Activity.objects.get(person__code="PB"), "b")
