"""Supervisors' findings about a case (issue 9 item 2): 「纪检监察…督查」 read every case in their region and
write findings; they never change a case.

The world is test_steps.py's: PA1's case 未建立联系点 lies at 甲镇党委 (A1, no org of its own), handled by PA
(``a_leader``); PA1 logs in as ``a_pa1``; ``a_inspector`` supervises banner A, ``a_admin`` is its department.
A finding recorded from the case's page is compliance's 督查意见 at A1 naming PA1, linked to the case.
"""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.accountability.models import Case, CaseFinding
from dangjian.accountability.services import case_url, record_case_finding
from dangjian.accounts.models import Profile, RoleGrant
from dangjian.audit.models import AuditEvent
from dangjian.compliance.models import Finding
from dangjian.notices.models import Notice
from tests.accountability.test_steps import as_, fingerprint, fresh, steps  # noqa: F401  (the fixture)
from tests.test_web_scope import PASSWORD, world  # noqa: F401  (the fixture steps builds on)

TEXT = "提醒谈话后两周仍未建立联系点，谈话记录未归档"


def page(world, who, case):  # noqa: F811
    r = as_(world, who).get(case_url(case))
    assert r.status_code == 200, who
    return r.content.decode()


def add_url(case):
    return f"/accountability/cases/{case.pk}/findings/"


def timeline_findings(body):
    """The texts of the findings in the page's timeline, in order."""
    return [unescape_text(t) for t in re.findall(
        r'data-testid="timeline-finding".*?<div class="mt-1">(.*?)</div></li>', body, flags=re.S)]


def unescape_text(html):
    from html import unescape

    return unescape(html).strip()


def written(case):
    """What a refused or invalid POST must leave as it was: the case, the findings, their links, the audit
    and the notices (fingerprint) ."""
    return fingerprint(case), Finding.objects.count(), CaseFinding.objects.count()


def add_user(world, name, org, role, person=None):  # noqa: F811
    u = get_user_model().objects.create_user(name, password=PASSWORD)
    RoleGrant.objects.create(user=u, organization=world.orgs[org], role=role)
    Profile.objects.create(user=u, person=world.people[person] if person else None)
    world.users[name] = u
    return u


def test_a_supervisor_records_a_finding_from_the_case_page_and_it_follows_the_case(steps):  # noqa: F811
    case = steps.case
    body = page(steps, "a_inspector", case)
    assert "记录督查意见" in body and f'action="{add_url(case)}"' in body
    before = fresh(case)
    r = as_(steps, "a_inspector").post(add_url(case), {"text": f"  {TEXT}\n"})
    assert r.status_code == 302 and r["Location"] == case_url(case)
    finding = Finding.objects.get()
    assert (finding.organization.code, finding.person.code, finding.author.username, finding.text, finding.status) == (
        "A1", "PA1", "a_inspector", TEXT, "open")
    assert CaseFinding.objects.get().case == case and CaseFinding.objects.get().finding == finding
    after = fresh(case)  # the case itself is untouched: a supervisor never changes one
    assert (after.status, after.step, after.progress, after.progress_at, after.deadline) == (
        before.status, before.step, before.progress, before.progress_at, before.deadline)
    # The timeline shows it to the handler, to the person and to the supervisor: date, author, text, status, link.
    for who in ("a_leader", "a_pa1", "a_inspector", "a_admin"):
        body = page(steps, who, case)
        assert timeline_findings(body) == [TEXT], who
        item = body[body.index('data-testid="timeline-finding"'):]
        item = item[:item.index("</li>")]
        assert "2026-11-26" in item and "a_inspector" in item and "待回复" in item, who
        assert f'href="/findings/{finding.pk}/"' in item, who
    # The finding is compliance's record: on its list, on its organization's page, and its page links back.
    assert TEXT in as_(steps, "a_inspector").get("/findings/").content.decode()
    assert TEXT in as_(steps, "a_leader").get("/orgs/A1/").content.decode()
    for who in ("a_pa1", "a_leader", "a_inspector"):
        body = as_(steps, who).get(f"/findings/{finding.pk}/").content.decode()
        assert f'href="{case_url(case)}"' in body and 'data-testid="finding-case"' in body, who
    # The person hears of it (compliance's notice), the handler too (the case's).
    (person_notice,) = Notice.objects.filter(person__code="PA1", kind="finding recorded")
    assert person_notice.href == f"/findings/{finding.pk}/"
    (handler_notice,) = Notice.objects.filter(person__code="PA", kind="case finding recorded")
    assert handler_notice.href == case_url(case)
    assert handler_notice.message == "人员PA1的问责事项有一条新的督查意见"
    # Audited twice: the finding (compliance) and its link, on the case's own trail (shown on its page).
    event = AuditEvent.objects.get(action="case finding recorded")
    assert (event.actor.username, event.object_id, event.after["finding"]) == ("a_inspector", str(case.pk), finding.pk)
    assert AuditEvent.objects.filter(action="finding recorded").count() == 1
    assert "记录问责事项督查意见" in page(steps, "a_leader", case)


def test_the_department_records_one_too_and_they_stack_in_order(steps):  # noqa: F811
    case = steps.case
    assert as_(steps, "a_inspector").post(add_url(case), {"text": "第一条"}).status_code == 302
    assert as_(steps, "a_admin").post(add_url(case), {"text": "第二条"}).status_code == 302
    assert timeline_findings(page(steps, "a_pa1", case)) == ["第一条", "第二条"]
    assert set(Finding.objects.values_list("author__username", flat=True)) == {"a_inspector", "a_admin"}


def test_a_reader_of_the_finding_who_does_not_see_the_case_gets_no_link_to_it(steps):  # noqa: F811
    """PA2 leads at A1 (reads its findings) but PA1's case is not theirs: the finding shows, the case does not."""
    add_user(steps, "a_pa2", "A1", "leader", "PA2")
    assert as_(steps, "a_inspector").post(add_url(steps.case), {"text": TEXT}).status_code == 302
    finding = Finding.objects.get()
    body = as_(steps, "a_pa2").get(f"/findings/{finding.pk}/").content.decode()
    assert TEXT in body and 'data-testid="finding-case"' not in body and case_url(steps.case) not in body
    assert as_(steps, "a_pa2").get(case_url(steps.case)).status_code == 404


def test_a_supervisor_outside_the_region_gets_404_and_writes_nothing(steps):  # noqa: F811
    add_user(steps, "b_inspector", "B", "inspector")
    case = steps.case
    before = written(case)
    c = as_(steps, "b_inspector")
    assert c.get(case_url(case)).status_code == 404
    assert c.post(add_url(case), {"text": TEXT}).status_code == 404
    assert c.get(f"/api/cases/{case.pk}").status_code == 404
    assert written(case) == before


@pytest.mark.parametrize("who", ["a_leader", "a_pa1", "a_branch"])
def test_others_see_no_button_and_their_post_is_refused(steps, who):  # noqa: F811
    """The handler (a leader), the person and a branch secretary may not add a finding at A1."""
    case = steps.case
    c = as_(steps, who)
    r = c.get(case_url(case))
    if r.status_code == 200:
        body = r.content.decode()
        assert "记录督查意见" not in body and add_url(case) not in body
    before = written(case)
    assert c.post(add_url(case), {"text": TEXT}).status_code == 404
    assert written(case) == before


def test_an_empty_or_too_long_finding_is_refused_by_its_field_in_chinese(steps):  # noqa: F811
    case = steps.case
    before = written(case)
    c = as_(steps, "a_inspector")
    r = c.post(add_url(case), {"text": "   "})
    assert r.status_code == 200
    body = r.content.decode()
    assert re.search(r'is-invalid">\s*</textarea>\s*<div class="invalid-feedback d-block">督查意见为空，未记录</div>', body)
    assert written(case) == before
    long = "长" * 5001
    body = c.post(add_url(case), {"text": long}).content.decode()
    assert "督查意见不能超过 5000 字" in body and long in body  # the text is kept in the form, not lost
    assert written(case) == before


def test_a_case_with_no_organization_takes_no_finding(steps):  # noqa: F811
    """A case whose person held no principal post lies nowhere in the tree: a superuser sees it, and no
    finding has an organization to be recorded at."""
    case = Case.objects.create(key="contact-point-missing|PA2x|", rule="contact-point-missing",
                               person=steps.person("PA2x"), unit=None, handler=steps.people["PA"],
                               opened_on=steps.case.opened_on)
    steps.users["super"] = get_user_model().objects.create_superuser("super", password=PASSWORD)
    body = page(steps, "super", case)
    assert add_url(case) not in body
    assert as_(steps, "super").post(add_url(case), {"text": TEXT}).status_code == 404
    with pytest.raises(ValidationError) as refused:
        record_case_finding(steps.users["super"], case, TEXT)
    assert "没有涉及组织或所属单位" in refused.value.messages[0]
    assert not Finding.objects.exists()


def test_after_a_finding_the_supervisor_still_takes_no_step(steps):  # noqa: F811
    case = steps.case
    assert as_(steps, "a_inspector").post(add_url(case), {"text": TEXT}).status_code == 302
    body = page(steps, "a_inspector", case)
    actions = body[body.index('data-testid="case-actions"'):]
    assert "/steps/" not in actions and "data-step=" not in actions
    c = as_(steps, "a_inspector")
    got = json.loads(c.get(f"/api/cases/{case.pk}").content)
    assert got["transitions"] == []
    before = written(case)
    for name, data in [("hold_talk", {"on": "2026-11-26", "place": "会议室", "attendees": "PA", "content": "谈",
                                      "promise": "改"}), ("escalate", {"content": "反映"}), ("dismiss", {"content": "x"})]:
        assert c.get(f"/accountability/cases/{case.pk}/steps/{name}/").status_code == 404
        assert c.post(f"/accountability/cases/{case.pk}/steps/{name}/", data).status_code == 404
        assert c.post(f"/api/cases/{case.pk}/transitions/{name}", json.dumps(data),
                      content_type="application/json").status_code == 404
    assert written(case) == before


def test_the_api_gives_the_case_s_findings(steps):  # noqa: F811
    case = steps.case
    assert as_(steps, "a_inspector").post(add_url(case), {"text": TEXT}).status_code == 302
    finding = Finding.objects.get()
    for who in ("a_pa1", "a_leader", "a_inspector"):
        got = json.loads(as_(steps, who).get(f"/api/cases/{case.pk}").content)
        assert [(f["id"], f["text"], f["status"]) for f in got["findings"]] == [(finding.pk, TEXT, "open")], who
        assert got["findings"][0]["created_at"].startswith("2026-11-26")
    other = Case.objects.exclude(pk=case.pk).filter(person__code="PA1").first()
    assert json.loads(as_(steps, "a_pa1").get(f"/api/cases/{other.pk}").content)["findings"] == []


def test_the_case_page_s_queries_do_not_grow_with_its_findings(steps):  # noqa: F811
    case = steps.case

    def count(who):
        c = as_(steps, who)
        c.get(case_url(case))
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(case_url(case)).status_code == 200
        return len(ctx)

    as_(steps, "a_inspector").post(add_url(case), {"text": "第一条"})
    few = {who: count(who) for who in ("a_leader", "a_inspector", "a_pa1")}
    for i in range(6):
        as_(steps, "a_admin" if i % 2 else "a_inspector").post(add_url(case), {"text": f"意见{i}"})
    assert len(timeline_findings(page(steps, "a_leader", case))) == 7
    assert {who: count(who) for who in few} == few


def test_the_finding_speaks_english_from_the_switcher(steps):  # noqa: F811
    c = as_(steps, "a_inspector")
    assert c.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    body = c.get(case_url(steps.case)).content.decode()
    assert "Record an inspection finding" in body and "Inspection findings" in body
    assert "The finding is empty and was not recorded" in c.post(add_url(steps.case), {"text": ""}).content.decode()
