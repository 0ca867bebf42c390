"""失责必问's pages (issue 9 item 5): the ladder board, the case list and its export, a case's page, the
panels, the menu and the API, as each role sees them (accountability/policy.py).

The cases come from real sweeps over a half year of the two-banner world: some rectified in
time, one after its deadline, some climbing to 约谈 and 批评教育, two opened later still at 提醒谈话 and past their
deadline today (2026-11-26, frozen), one at 约谈 and past its deadline too. Every figure is compared with a count over the cases the
user may see, and every figure's link must open exactly that many cases.
"""

import io
import json
import re
from datetime import date
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case, CaseStepReached
from dangjian.accounts.models import Profile, RoleGrant
from dangjian.audit.models import AuditEvent
from tests.test_web_scope import PASSWORD, client_for, world  # noqa: F401

TODAY = date(2026, 11, 26)


@pytest.fixture
def cases(world, frozen_today):  # noqa: F811
    world.post("PA1", "A1", "书记", start="2020-01-01")  # PA2's handler; PA handles PA1
    world.post("PB2", "B", "委员", start="2020-01-01")  # a case in banner B, handled by PB
    world.post("PA4", "A1", "委员", start="2026-09-05")  # opens 09-15, climbs to 约谈 on 11-10, deadline 11-25
    sweep(on=date(2026, 9, 1))
    world.link("PA1", "A1T", "联系点", start="2026-09-10")
    sweep(on=date(2026, 9, 15))  # PA1's contact point: rectified within its deadline (3 cases: 约谈 at once, 09-16)
    world.post("PA3", "A1", "委员", start="2026-10-01")
    sweep(on=date(2026, 10, 15))  # the rest climb to 约谈; PA3's two cases open, deadline 11-14
    world.link("PA2", "A1T", "联系点", start="2026-11-01")
    sweep(on=date(2026, 11, 10))  # PA2's contact point: rectified after its deadline (10-30)
    # Another banner's department, to look in from outside.
    u = get_user_model().objects.create_user("b_admin", password=PASSWORD)
    RoleGrant.objects.create(user=u, organization=world.orgs["B"], role="org_admin")
    Profile.objects.create(user=u)
    world.users["b_admin"] = u
    return world


def visible(user):
    return Case.objects.visible_to(user)


def listed(client, url):
    """The case ids a list page shows (all of them: the test world is one page)."""
    r = client.get(url)
    assert r.status_code == 200, url
    return {int(pk) for pk in re.findall(r'data-case="(\d+)"', r.content.decode())}


def list_count(client, url):
    r = client.get(url)
    assert r.status_code == 200, url
    return int(re.search(r'data-testid="count">[^0-9]*(\d+)', r.content.decode()).group(1))


def test_the_world_has_every_kind_of_case(cases):
    assert Case.objects.filter(status="rectified", closed_on__lte=models_deadline()).exists()
    assert Case.objects.filter(status="rectified").exclude(closed_on__lte=models_deadline()).exists()
    assert Case.objects.filter(status="open", deadline__lt=TODAY).exists()  # overdue today
    assert {"reminder_talk", "interview", "criticism"} <= set(Case.objects.filter(status="open").values_list("step", flat=True))


def models_deadline():
    from django.db.models import F

    return F("deadline")


# ------------------------------------------------------------------ who sees what


def test_a_leader_sees_only_their_own_and_those_they_handle(cases):
    c = client_for(cases.users["a_leader"])
    pa = cases.people["PA"]
    mine = set(Case.objects.filter(Q(person=pa) | Q(handler=pa)).values_list("pk", flat=True))
    assert mine and mine != set(Case.objects.filter(unit__path__startswith="0001").values_list("pk", flat=True))
    assert listed(c, "/accountability/cases/") == mine
    colleague = Case.objects.filter(person__code="PA2").first()  # PA1 handles it
    assert c.get(f"/accountability/cases/{colleague.pk}/").status_code == 404
    own = Case.objects.filter(person=pa).first()
    assert c.get(f"/accountability/cases/{own.pk}/").status_code == 200
    handled = Case.objects.filter(handler=pa).exclude(person=pa).first()
    assert handled is not None and c.get(f"/accountability/cases/{handled.pk}/").status_code == 200
    body = c.get("/accountability/").content.decode()
    assert f'data-testid="board-open" data-count="{visible(cases.users["a_leader"]).filter(status="open").count()}"' in body


def test_a_supervisor_sees_every_case_in_region_and_no_edit(cases):
    user = cases.users["a_inspector"]
    c = client_for(user)
    region = set(Case.objects.filter(unit__path__startswith=cases.orgs["A"].path).values_list("pk", flat=True))
    assert listed(c, "/accountability/cases/") == region
    for pk in region:
        body = c.get(f"/accountability/cases/{pk}/").content.decode()
        forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', body)
        # No change to the case of any kind offered: only the finding about it (compliance's record).
        assert sorted(forms) == sorted(["/i18n/setlang/", "/logout/", f"/accountability/cases/{pk}/findings/"]), forms
        assert f"/accountability/cases/{pk}/steps/" not in body and "data-step=" not in body.split(
            'data-testid="case-actions"')[1]
        assert 'data-testid="timeline"' in body


def test_another_banners_user_gets_404(cases):
    c = client_for(cases.users["b_admin"])
    for case in Case.objects.filter(unit__path__startswith=cases.orgs["A"].path):
        assert c.get(f"/accountability/cases/{case.pk}/").status_code == 404
        assert c.get(f"/api/cases/{case.pk}").status_code == 404
    assert c.get("/accountability/?org=A").status_code == 404
    assert c.get("/accountability/cases/?org=A").status_code == 200  # the picker refuses it: an empty list
    assert listed(c, "/accountability/cases/?org=A") == set()
    assert c.get("/api/cases?org=A").status_code == 404
    assert listed(c, "/accountability/cases/") == set(visible(cases.users["b_admin"]).values_list("pk", flat=True))
    for secret in ("甲嘎查党支部", "人员PA1"):
        assert secret not in c.get("/accountability/cases/").content.decode()
        assert secret not in c.get("/accountability/").content.decode()


# ------------------------------------------------------------------ the board: figures equal counts, and open them


def figures(body):
    """{testid: (count, href)} of the board's cards."""
    out = {}
    for href, testid, n in re.findall(r'<a class="stat-link" href="([^"]+)" data-testid="(board-[\w-]+)" data-count="(\d+)"',
                                      body):
        out[testid] = (int(n), unescape(href))
    return out


@pytest.mark.parametrize("name", ["a_admin", "a_inspector", "a_leader", "root_admin"])
def test_every_board_figure_is_the_count_of_the_cases_it_opens(cases, name):
    user = cases.users[name]
    c = client_for(user)
    body = c.get("/accountability/").content.decode()
    seen = visible(user)
    f = figures(body)
    open_ = seen.filter(status="open")
    expected = {
        "board-open": open_.count(),
        "board-step-reminder_talk": open_.filter(step="reminder_talk").count(),
        "board-step-interview": open_.filter(step="interview").count(),
        "board-step-criticism": open_.filter(step="criticism").count(),
        "board-overdue": open_.filter(deadline__lt=TODAY).count(),
        "board-timely": seen.filter(status="rectified", closed_on__lte=models_deadline()).count(),
        "board-late": seen.filter(status="rectified").exclude(closed_on__lte=models_deadline()).count(),
        "board-lapsed": seen.filter(status="lapsed").count(),
    }
    assert {k: n for k, (n, _) in f.items()} == expected
    for testid, (n, href) in f.items():
        assert list_count(c, href) == n, (testid, href)
    if name in ("a_admin", "root_admin"):
        assert expected["board-timely"] and expected["board-late"] and expected["board-overdue"]
    # By the next level down: each row's cells and total open their cases.
    rows = re.findall(r'<tr data-testid="board-group".*?</tr>', body, re.S)
    assert rows
    assert sum(int(re.search(r'data-testid="board-group-total">(\d+)', r).group(1)) for r in rows) == expected["board-open"]
    for row in rows:
        for href, n in re.findall(r'<a (?:class="[^"]*" )?href="([^"]+)"[^>]*>(\d+)</a>', row):
            assert list_count(c, unescape(href)) == int(n), href
    # The trend: each bar opens its cases.
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S).group(1))
    trend = charts["trend"]
    assert trend["categories"][-1] == "2026-11"
    for series in trend["series"]:
        for n, href in zip(series["data"], series["links"]):
            if n:
                assert list_count(c, href) == n, (series["name"], href)
    opened = dict(zip(trend["categories"], trend["series"][0]["data"]))
    assert opened["2026-09"] == seen.filter(opened_on__month=9, opened_on__year=2026).count()


def test_the_board_groups_by_the_next_level_down(cases):
    c = client_for(cases.users["root_admin"])
    body = c.get("/accountability/?org=A").content.decode()
    groups = re.findall(r'data-testid="board-group" data-org="(\w*)"', body)
    assert set(groups) <= {"A", "A1"} and "A1" in groups  # A's own level, and its township A1
    body = c.get("/accountability/?org=R").content.decode()
    assert set(re.findall(r'data-testid="board-group" data-org="(\w*)"', body)) <= {"R", "A", "B"}
    assert "B" in re.findall(r'data-testid="board-group" data-org="(\w*)"', body)


def test_the_board_is_cached_until_the_data_changes(cases, settings):
    c = client_for(cases.users["a_admin"])
    c.get("/accountability/")
    with CaptureQueriesContext(connection) as warm:
        c.get("/accountability/")
    with CaptureQueriesContext(connection) as cold:
        c.get("/accountability/?org=A1")
    assert len(warm) < len(cold)
    before = figures(c.get("/accountability/").content.decode())["board-open"][0]
    Case.objects.filter(status="open").first().delete()  # any change raises the data version
    assert figures(c.get("/accountability/").content.decode())["board-open"][0] == before - 1


# ------------------------------------------------------------------ the list: filters, export, queries


def test_the_filters(cases):
    user = cases.users["a_admin"]
    c = client_for(user)
    seen = visible(user)

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    assert listed(c, "/accountability/cases/?rule=contact-point-missing") == ids(seen.filter(rule="contact-point-missing"))
    assert listed(c, "/accountability/cases/?step=interview") == ids(seen.filter(step="interview"))
    assert listed(c, "/accountability/cases/?status=rectified") == ids(seen.filter(status="rectified"))
    assert listed(c, "/accountability/cases/?org=A1") == ids(seen.filter(unit__path__startswith=cases.orgs["A1"].path))
    assert listed(c, "/accountability/cases/?person=PA2") == ids(seen.filter(person__code="PA2"))
    assert listed(c, "/accountability/cases/?handler=PA") == ids(seen.filter(handler__code="PA"))
    assert listed(c, "/accountability/cases/?overdue=1") == ids(seen.filter(status="open", deadline__lt=TODAY))
    assert listed(c, "/accountability/cases/?opened=2026-10") == ids(seen.filter(opened_on__gte=date(2026, 10, 1),
                                                                              opened_on__lt=date(2026, 11, 1)))
    esc = ids(seen.filter(pk__in=CaseStepReached.objects.filter(step="criticism", on=date(2026, 11, 10)).values("case")))
    assert esc and esc <= listed(c, "/accountability/cases/?escalated=2026-11")
    both = listed(c, "/accountability/cases/?status=open&step=criticism&org=A")
    assert both == ids(seen.filter(status="open", step="criticism"))
    r = c.get("/accountability/cases/?opened=2026-13")
    assert r.status_code == 200 and "月份应写作" in r.content.decode() and listed(c, "/accountability/cases/?opened=x") == set()
    assert listed(c, "/accountability/cases/?step=nothing") == set()


def test_the_list_shows_deadline_and_days_left(cases):
    c = client_for(cases.users["a_admin"])
    late = Case.objects.filter(status="open", deadline__lt=TODAY).first()
    body = c.get(f"/accountability/cases/?person={late.person.code}&overdue=1").content.decode()
    assert f"已逾期 {(TODAY - late.deadline).days} 天" in body


def test_the_export_is_the_filtered_list_with_inert_text(cases):
    import openpyxl

    evil = cases.people["PA2"]
    evil.name = "=HYPERLINK(\"http://x\")"
    evil.save()
    c = client_for(cases.users["a_admin"])
    r = c.get("/accountability/cases/export.xlsx?rule=contact-point-missing")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert r["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("规则编号", "规则", "人员编号", "责任人")
    expected = visible(cases.users["a_admin"]).filter(rule="contact-point-missing")
    assert len(rows) - 1 == expected.count()
    assert {r[2] for r in rows[1:]} == {c.person.code for c in expected}
    names = [cell for row in ws.iter_rows() for cell in row if cell.value == evil.name]
    assert names and all(cell.data_type == "s" for cell in names)  # text, not a formula
    assert b"<f>" not in _sheet_xml(r.content)
    event = AuditEvent.objects.filter(action="cases exported").latest("id")
    assert event.actor == cases.users["a_admin"] and event.after["cases_count"] == expected.count()
    assert event.after["filters"] == "rule=contact-point-missing"
    # The leader's export holds only their cases.
    r = client_for(cases.users["a_leader"]).get("/accountability/cases/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == visible(cases.users["a_leader"]).count()


def _sheet_xml(data):
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_the_list_queries_do_not_grow_with_cases(cases):
    c = client_for(cases.users["a_admin"])
    url = "/accountability/cases/?status=open"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    c.get(url)
    few = count()
    for i in range(12):
        person = cases.person(f"PZ{i}")
        case = Case.objects.create(key=f"branch-link-missing|PZ{i}|", rule="branch-link-missing", person=person,
                                   unit=cases.orgs["A1"], handler=cases.people["PA1"], opened_on=TODAY,
                                   deadline=date(2026, 12, 26))
        CaseStepReached.objects.create(case=case, step="reminder_talk", on=TODAY)
    assert count() == few


# ------------------------------------------------------------------ the case page


def test_the_case_page_says_what_who_when_and_its_history(cases):
    c = client_for(cases.users["a_admin"])
    case = Case.objects.filter(person__code="PA2", rule="contact-point-missing").get()  # rectified late
    body = c.get(f"/accountability/cases/{case.pk}/").content.decode()
    assert "未建立党建工作联系点" in body and "每人建立1个党建工作联系点" in body  # the rule and its sentence
    assert "人员PA2" in body and case.handler.name in body
    steps = re.findall(r'data-testid="timeline-step" data-step="(\w+)"', body)
    assert steps == list(case.history.order_by("on", "id").values_list("step", flat=True))
    assert "2026-09-01 问责巡检" in body  # each step with its sweep
    assert 'data-testid="timeline-closed"' in body and "2026-11-10" in body
    assert "失责问责巡检" in body  # the sweeps' audit events tied to the case
    # … each with its day, not the whole tree's counts (which belong on the sweep's own record).
    audit = body[body.index('data-testid="audit"'):]
    for day in [*case.history.values_list("on", flat=True), case.closed_on]:
        assert day.isoformat() in audit
    assert "违规条数" not in audit and "整改中事项" not in audit
    open_case = Case.objects.filter(status="open", deadline__gte=TODAY).first()
    if open_case is not None:
        body = c.get(f"/accountability/cases/{open_case.pk}/").content.decode()
        assert f"剩余 {(open_case.deadline - TODAY).days} 天" in body


# ------------------------------------------------------------------ panels, dashboard, menu


def test_the_panels_count_the_open_cases(cases):
    user = cases.users["a_admin"]
    c = client_for(user)
    seen = visible(user).filter(status="open")
    body = c.get("/people/PA/").content.decode()
    n = int(re.search(r'data-testid="person-open-cases">(\d+)', body).group(1))
    assert n == seen.filter(person__code="PA").count() and n
    handled = int(re.search(r'data-testid="person-handled-cases">(\d+)', body).group(1))
    assert handled == seen.filter(handler__code="PA").count()
    href = unescape(re.search(r'<a class="list-group-item[^"]*" href="([^"]+)"><span>本人整改中', body).group(1))
    assert list_count(c, href) == n
    body = c.get("/orgs/A1/").content.decode()
    m = re.search(r'<a href="([^"]+)" data-testid="org-open-cases" data-count="(\d+)"', body)
    assert int(m.group(2)) == seen.filter(unit__path__startswith=cases.orgs["A1"].path).count()
    assert list_count(c, unescape(m.group(1))) == int(m.group(2))
    # A leader's page, seen by the leader: their own open cases only.
    body = client_for(cases.users["a_leader"]).get("/people/PA/").content.decode()
    assert int(re.search(r'data-testid="person-open-cases">(\d+)', body).group(1)) == seen.filter(person__code="PA").count()


def test_the_dashboard_card_and_the_menu(cases):
    for name in ("a_admin", "a_leader", "a_inspector"):
        user = cases.users[name]
        c = client_for(user)
        body = c.get("/").content.decode()
        n = int(re.search(r'data-testid="cases-open">(\d+)', body).group(1))
        assert n == visible(user).filter(status="open").count(), name
        assert 'href="/accountability/"' in body  # the menu item, and the card's link to the board
    # A user who may see no case has no menu item.
    u = get_user_model().objects.create_user("nobody_leader", password=PASSWORD)
    RoleGrant.objects.create(user=u, organization=cases.orgs["A"], role="leader")  # no person: no case is theirs
    Profile.objects.create(user=u)
    body = client_for(u).get("/").content.decode()
    assert 'href="/accountability/"' not in body and 'data-testid="cases-card"' not in body
    assert client_for(u).get("/accountability/").status_code == 404


def test_a_branch_secretary_home_lists_their_cases(cases):
    cases.post("PAS2", "A1T", "书记")
    u = get_user_model().objects.create_user("t_branch", password=PASSWORD)
    RoleGrant.objects.create(user=u, organization=cases.orgs["A1T"], role="branch_secretary")
    Profile.objects.create(user=u, person=cases.people["PA1"])  # PA1 handles PA2's cases
    body = client_for(u).get("/").content.decode()
    n = visible(u).filter(status="open").count()
    assert n and f"整改中的问责事项 {n} 项" in body


# ------------------------------------------------------------------ the API


@pytest.mark.parametrize("name", ["a_admin", "a_leader", "a_inspector", "a_branch", "b_admin", "root_admin"])
def test_the_api_lists_exactly_the_visible_cases(cases, name):
    user = cases.users[name]
    c = client_for(user)
    got = c.get("/api/cases?limit=1000").json()
    assert {x["id"] for x in got["items"]} == set(visible(user).values_list("pk", flat=True))
    assert got["count"] == visible(user).count()


def test_the_api_filters_and_a_case_with_its_history(cases):
    c = client_for(cases.users["a_admin"])
    seen = visible(cases.users["a_admin"])
    items = c.get("/api/cases?status=open&step=criticism&limit=1000").json()["items"]
    assert {x["id"] for x in items} == set(seen.filter(status="open", step="criticism").values_list("pk", flat=True))
    items = c.get("/api/cases?overdue=true&limit=1000").json()["items"]
    assert {x["id"] for x in items} == set(seen.filter(status="open", deadline__lt=TODAY).values_list("pk", flat=True))
    items = c.get("/api/cases?org=A1&person=PA2&limit=1000").json()["items"]
    assert items and all(x["person"] == "PA2" for x in items)
    assert c.get("/api/cases?status=nothing").status_code == 422
    assert c.get("/api/cases?rule=nothing").status_code == 422
    case = Case.objects.get(person__code="PA2", rule="contact-point-missing")
    got = c.get(f"/api/cases/{case.pk}").json()
    assert got["status"] == "rectified" and got["closed_on"] == "2026-11-10" and got["person"] == "PA2"
    assert got["handler"] == case.handler.code and got["unit"] == case.unit.code
    assert [(h["on"], h["step"]) for h in got["history"]] == [
        (h.on.isoformat(), h.step) for h in case.history.order_by("on", "id")]
    assert got["history"][0]["sweep"] == "2026-09-01"
    assert client_for(cases.users["a_leader"]).get(f"/api/cases/{case.pk}").status_code == 404
