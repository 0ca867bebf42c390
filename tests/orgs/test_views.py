"""The organization's pages, inherited from tests.scoped: the expectations come from orgs/policy.py."""

from dangjian.orgs.models import Organization, TierRating
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


def code(org):
    return [org.code]


def parent_code(org):
    return Organization.objects.get_parent(org).code


class TestOrganizationViews(ScopedViewTests):
    model = Organization
    urls = (
        Url("orgs:organization_detail", args=code),
        Url("orgs:organization_children", args=code),
        Url("orgs:organization_list", query=lambda o: {"org": o.code}),
        Url("web:home", query=lambda o: {"org": o.code}),  # the dashboard of one organization
        # The check of an organization out of scope shows the user's own scope and says so (tests/test_ui_fixes.py).
        Url("compliance:check", query=lambda o: {"org": o.code}, outside=False),
        Url("compliance:check_export", query=lambda o: {"org": o.code}),
        Url("orgs:organization_add", action="add", query=lambda o: {"parent": parent_code(o)},
            data=lambda o: {"parent": parent_code(o), "code": "NEW1", "name": "新支部", "kind": "branch",
                            "domain": "village"}, outside=False),  # ?parent= only fills the form in
        Url("orgs:organization_edit", args=code, action="change",
            data=lambda o: {"name": "改过的名字", "kind": o.kind, "domain": o.domain}),
        Url("orgs:tier_add", args=code, action="add", model=TierRating,
            data=lambda o: {"tier": "advanced", "rated_on": "2026-11-20"}),
        Url("orgs:organization_move", args=code, action="change", data=lambda o: {"parent": "A"}),
    )

    def build_inside(self, world):
        return world.orgs["A1S"]

    def build_outside(self, world):
        return world.orgs["B1S"]

    def org_of(self, row):
        return row

    def owner_of(self, row):
        return None
