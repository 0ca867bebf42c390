"""失责必问's pages, inherited from tests.scoped (accountability/policy.py: a case is its person's, its
handler's, and the department's and supervisors' over its unit). The pages only read; the human
steps are the workflow's."""

from datetime import date

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


class TestCaseViews(ScopedViewTests):
    model = Case
    urls = (
        Url("accountability:board"),
        Url("accountability:board", query=lambda c: {"org": c.unit.code}),
        Url("accountability:case_list"),
        Url("accountability:case_export"),
        Url("accountability:case_detail", args=lambda c: [c.pk]),
    )

    def build_inside(self, world):
        world.post("PB2", "B", "委员", start="2020-01-01")  # a case in banner B, handled by PB
        sweep(on=date(2026, 11, 26))
        return Case.objects.get(person__code="PA", rule="contact-point-missing")

    def build_outside(self, world):
        return Case.objects.get(person__code="PB2", rule="contact-point-missing")

    def org_of(self, row):
        return row.unit

    def owner_of(self, row):
        return row.person
