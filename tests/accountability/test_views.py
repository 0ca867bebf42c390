"""The case's steps pages and its files, with the scoped-view tests every model's pages inherit (tests/scoped.py).

Beside the table's roles, a case's handler takes the handler's steps wherever they sit
(accountability.policy.HANDLER_ACTIONS): ``permits`` says so, judged from the row.
"""

from datetime import date

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case, CaseAttachment, CaseRecord
from dangjian.accountability.policy import HANDLER_ACTIONS
from dangjian.compliance.models import Finding
from django.core.files.base import ContentFile
from tests.scoped import ScopedViewTests, Url
from tests.test_web_scope import world  # noqa: F401  (the two-banner world)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TALK = {"on": "2026-11-26", "place": "会议室", "attendees": "PA、PA2", "content": "谈话内容", "promise": "限期整改"}


def _with_attachment(case):
    record = CaseRecord.objects.create(case=case, kind="evidence", step=case.step, on=case.opened_on,
                                       recorded_on=case.opened_on, content="记录")
    found = CaseAttachment(record=record, name="现场.png", size=len(PNG))
    found.file.save("x.png", ContentFile(PNG), save=True)
    case.attachment = found
    return case


class TestCaseStepViews(ScopedViewTests):
    model = Case
    urls = (
        Url("accountability:case_steps", args=lambda c: [c.pk]),
        Url("accountability:attachment_detail", args=lambda c: [c.attachment.pk]),
        Url("accountability:case_step", args=lambda c: [c.pk, "hold_talk"], action="hold_talk", data=lambda c: TALK),
        Url("accountability:case_step", args=lambda c: [c.pk, "escalate"], action="escalate",
            data=lambda c: {"content": "党员来信反映"}),
    )

    def build_inside(self, world):
        world.post("PB2", "B", "委员", start="2020-01-01")
        sweep(on=date(2026, 11, 26))
        case = Case.objects.select_related("unit", "person").get(rule="contact-point-missing", person__code="PA2")
        assert case.handler.code == "PA"  # a_leader
        return _with_attachment(case)

    def build_outside(self, world):
        return _with_attachment(Case.objects.select_related("unit", "person").get(rule="contact-point-missing",
                                                                                  person__code="PB2"))

    def org_of(self, row):
        return row.unit

    def owner_of(self, row):
        return row.person

    def _handles(self, user, row, action):
        person = getattr(getattr(user, "profile", None), "person", None)
        return person is not None and row.handler_id == person.pk and action in HANDLER_ACTIONS

    def permits(self, user, action, row, model=None):
        return self._handles(user, row, action) or super().permits(user, action, row, model)

    def holds_a_role_for(self, user, url):
        inside = Case.objects.get(rule="contact-point-missing", person__code="PA2")
        return self._handles(user, inside, url.action) or super().holds_a_role_for(user, url)


class TestCaseViews(ScopedViewTests):
    """失责必问's read pages (views.py): the board, the list and its export, a case with its timeline."""

    model = Case
    urls = (
        Url("accountability:board"),
        Url("accountability:board", query=lambda c: {"org": c.unit.code}),
        Url("accountability:case_list"),
        Url("accountability:case_export"),
        Url("accountability:case_detail", args=lambda c: [c.pk]),
        # A finding about the case: compliance's "add" at the case's unit (supervisors, the department).
        Url("accountability:case_finding_add", args=lambda c: [c.pk], action="add", model=Finding, form=False,
            data=lambda c: {"text": "谈话记录未归档"}),
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
