"""Findings, inherited from tests.scoped (compliance/policy.py: supervisors record them, the branch replies)."""

from dangjian.compliance.models import Finding
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


class TestFindingViews(ScopedViewTests):
    model = Finding
    urls = (
        Url("compliance:finding_list", query=lambda f: {"org": f.organization.code}),
        Url("compliance:finding_detail", args=lambda f: [f.pk]),
        Url("orgs:organization_detail", args=lambda f: [f.organization.code]),  # the finding box sits there
        Url("compliance:finding_add", args=lambda f: [f.organization.code], action="add", form=False,
            data=lambda f: {"text": "三会一课记录不全"}),
        Url("compliance:finding_reply", args=lambda f: [f.pk], action="reply", form=False,
            data=lambda f: {"text": "已补齐记录"}),
        Url("compliance:finding_step", args=lambda f: [f.pk, "close"], action="change", form=False,
            data=lambda f: {"note": "已核实"}),
    )

    def build_inside(self, world):
        # Replied already: both a reply and the close are open to those allowed.
        return Finding.objects.create(organization=world.orgs["A1S"], author=world.users["a_inspector"],
                                      text="甲的督查意见", status="replied")

    def build_outside(self, world):
        return Finding.objects.create(organization=world.orgs["B1S"], author=world.users["root_admin"],
                                      text="乙的督查意见", status="replied")
