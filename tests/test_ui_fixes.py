"""What users found (issue 7, item 7): each fix as the user sees it on the page."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.models import Profile, RoleGrant
from dangjian.cli import main

PASSWORD = "pw-for-ui-fixes-1"


@pytest.fixture
def world(tree):
    today = timezone.localdate()
    tree.org("R", kind="党委", name="自治区党委")
    tree.org("A", "R", kind="党委", name="甲旗委")
    tree.org("A1", "A", kind="党委", name="甲镇党委")
    tree.org("A1S", "A1", name="甲嘎查党支部", tiers=[("后进", "2026-01-01")])
    tree.org("A1T", "A1", name="甲社区党支部")
    tree.org("B", "R", kind="党委", name="乙旗委")
    tree.org("B1S", "B", name="乙嘎查党支部")
    # The team of 甲旗委, created in the order that sorted the 书记 last.
    tree.post("PM", "A", "委员", start="2021-01-01")
    tree.post("PD", "A", "副书记", start="2021-01-01")
    tree.post("PA", "A", "书记", start="2022-01-01")
    tree.post("PX", "A", "书记", start="2015-01-01", end="2021-12-31")
    tree.person("PA").name = "张书记"
    tree.people["PA"].save()
    tree.person("PM").name = "李委员"
    tree.people["PM"].save()
    tree.person("PD").name = "王副书记"
    tree.people["PD"].save()
    tree.person("PX").name = "赵前任"
    tree.people["PX"].save()
    tree.post("PB", "B", "书记", start="2020-01-01")
    tree.link("PA", "A1S", "联系点", start="2026-01-01")
    tree.visit("PA", "A1S", today - timedelta(days=3), kind="research", content="调研甲嘎查")
    tree.visit("PA", "A1T", today.replace(day=1) - timedelta(days=40), kind="lecture", content="专题党课")
    tree.visit("PM", "A1T", today - timedelta(days=2), kind="research", content="委员调研")
    tree.visit("PB", "B1S", today - timedelta(days=1), kind="research", content="乙的活动")
    tree.problem("QA", "A1S", "环境卫生")
    User = get_user_model()
    tree.users = {}
    for name, org, role, person in [("a_admin", "A", "org_admin", None), ("a_leader", "A", "leader", "PA"),
                                     ("a_inspector", "A", "inspector", None), ("root", "R", "org_admin", None)]:
        u = User.objects.create_user(name, password=PASSWORD)
        RoleGrant.objects.create(user=u, organization=tree.orgs[org], role=role)
        Profile.objects.create(user=u, person=tree.people[person] if person else None)
        tree.users[name] = u
    return tree


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def page(world, user, url):
    response = client_for(world.users[user]).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# 1. Names, codes and dates never wrap one character per line.
def test_names_codes_and_dates_in_the_check_and_the_ledger_do_not_wrap(world):
    html = page(world, "a_admin", "/check/")
    rows = re.findall(r'<tr data-rule="[^"]+">(.*?)</tr>', html, re.S)
    assert rows
    for row in rows:
        cells = re.findall(r"<td([^>]*)>", row)
        assert all('class="text-nowrap"' in c for c in cells[:3]), row
    ledger = page(world, "a_admin", "/problems/")
    for cell in ("p-code", "p-org", "p-cat", "p-found", "p-done"):
        assert f'class="{cell} text-nowrap"' in ledger, cell
    assert "table-responsive" in ledger and "table-responsive" in html


# 2. The team lists 书记, 副书记, 委员; current posts before ended ones.
def test_the_team_lists_the_secretary_first_and_ended_posts_last(world):
    html = page(world, "a_admin", "/orgs/A/")
    names = ["张书记", "王副书记", "李委员", "赵前任"]
    positions = [html.index(n) for n in names]
    assert positions == sorted(positions), dict(zip(names, positions))


# 3. The activities list: its count and its filters, kept in the URL and by the pager.
def test_the_activities_list_counts_and_filters(world):
    html = page(world, "a_admin", "/activities/")
    assert "共 3 次活动" in html  # 乙's activity is outside the scope
    assert "乙的活动" not in html
    # The organization filter is a picker (by name or pinyin initials, inside the scope): no list of codes.
    assert 'name="org_text" id="f-org"' in html and '<select class="form-select" name="org"' not in html
    assert "共 2 次活动" in page(world, "a_admin", "/activities/?kind=research")
    assert "共 1 次活动" in page(world, "a_admin", "/activities/?kind=research&name=委员")
    assert "共 2 次活动" in page(world, "a_admin", "/activities/?name=张")
    today = timezone.localdate()
    assert "共 2 次活动" in page(world, "a_admin", f"/activities/?from={today - timedelta(days=5)}&to={today}")
    month = (today.replace(day=1) - timedelta(days=40)).strftime("%Y-%m")
    filtered = page(world, "a_admin", f"/activities/?month={month}&org=A1&kind=lecture")
    assert "共 1 次活动" in filtered and "专题党课" in filtered
    # Each filter shows what it holds, so the next search keeps the others.
    assert f'name="month" id="f-month" value="{month}"' in filtered
    assert 'value="甲镇党委"' in filtered and 'name="org" value="A1"' in filtered
    assert re.search(r'<option value="lecture"\s+selected>', filtered)


def test_the_activities_pager_keeps_the_filters(world, tree):
    today = timezone.localdate()
    for i in range(55):
        tree.visit("PM", "A1S", today - timedelta(days=10 + i % 20), kind="research", content=f"调研{i}")
    html = page(world, "a_admin", "/activities/?kind=research&name=委员")
    assert "共 56 次活动" in html
    pager = re.search(r'href="\?([^"]*page=2)"', html).group(1).replace("&amp;", "&")
    assert "kind=research" in pager and "name=%E5%A7%94%E5%91%98" in pager
    second = page(world, "a_admin", f"/activities/?{pager}")
    assert "第 2 / 2 页，共 56 条" in second


# 4. An administrator logging another person's visit does not see "我的联系点".
def test_the_quick_links_are_titled_with_the_persons_name(world):
    for_other = page(world, "a_admin", "/activities/new/?person=PA")
    assert "张书记的联系点：" in for_other and "我的联系点：" not in for_other
    own = page(world, "a_leader", "/activities/new/")
    assert "我的联系点：" in own


# 5. A supervisor is told why, not that the account has no person.
def test_a_supervisor_is_told_supervisors_do_not_record_activities_or_links(world):
    c = client_for(world.users["a_inspector"])
    response = c.get("/activities/new/", follow=True)
    text = response.content.decode()
    assert "督查人员查阅记录、记录督查意见，不记录到联系点开展的活动" in text
    assert "没有对应的人员" not in text
    links = c.get("/links/new/").content.decode()
    assert "您的账户不能建立联系点：督查人员查阅记录、记录督查意见，不建立联系点或联系支部。" in links
    # An account that really has no person (and may not record anyone else's visits) still hears so.
    from django.contrib.auth import get_user_model

    from dangjian.accounts.models import Profile, RoleGrant

    nobody = get_user_model().objects.create_user("a_leader_without_person", password="pw-for-tests-1")
    RoleGrant.objects.create(user=nobody, organization=world.orgs["A"], role="leader")
    Profile.objects.create(user=nobody)
    no_person = client_for(nobody).get("/activities/new/", follow=True).content.decode()
    assert "您的账户没有对应的人员" in no_person
    # The department records anyone's visit in its scope: it is asked whose, not told it has no person.
    admin = client_for(world.users["a_admin"]).get("/activities/new/", follow=True).content.decode()
    assert "您的账户没有对应的人员" not in admin


# 6. The command line names the command as typed.
@pytest.mark.parametrize("argv, name", [(["check", "--as-of", "bad"], "dangjian check"),
                                        (["import", "--bogus"], "dangjian import")])
def test_usage_errors_name_the_contracts_command(argv, name, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["dangjian", *argv])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert f"usage: {name} " in err and f"{name}: error:" in err
    assert "checkrules" not in err and "importbook" not in err


@pytest.mark.parametrize("argv, name", [(["check", "--help"], "dangjian check"),
                                        (["import", "--help"], "dangjian import"),
                                        (["help", "check"], "dangjian check"),
                                        (["systemcheck", "--help"], "dangjian systemcheck")])
def test_help_names_the_contracts_command(argv, name, capsys):
    try:
        main(["dangjian", *argv])
    except SystemExit as exit:
        assert exit.code in (0, None)
    out = capsys.readouterr().out
    assert out.startswith(f"usage: {name} "), out[:80]


# 9. A mistyped or out-of-scope organization on the check page: said, and the default scope checked.
@pytest.mark.parametrize("code", ["NOPE", "B"])
def test_an_unknown_or_outside_organization_on_the_check_page_is_said(world, code):
    html = page(world, "a_admin", f"/check/?org={code}")
    assert f"没有找到组织“{code}”，或它不在您的范围内" in html
    assert "党建工作联系点制度检查 · 甲旗委" in html
    assert "乙旗委" not in html  # never says the code exists
    assert f"org={code}" not in re.search(r'href="/check/export\.xlsx\?([^"]*)"', html).group(1)


def test_the_message_is_the_same_for_unknown_and_outside_codes(world):
    unknown = page(world, "a_admin", "/check/?org=NOPE").replace("NOPE", "CODE")
    outside = page(world, "a_admin", "/check/?org=B").replace("“B”", "“CODE”").replace("org=B", "org=CODE")
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)  # noqa: E731
    assert strip(unknown) == strip(outside)


# 10. Every filter box has a label.
class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.in_get_form = [], set(), False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_get_form = (a.get("method") or "get").lower() == "get" and "data-testid" not in a
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif self.in_get_form and tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


@pytest.mark.parametrize("url", ["/orgs/", "/orgs/?q=甲", "/problems/", "/activities/", "/check/", "/audit/"])
def test_every_filter_has_a_visible_label(world, url):
    parser = _Controls()
    parser.feed(page(world, "a_admin", url))
    assert parser.controls, url
    for control in parser.controls:
        assert control.get("id") in parser.labels, (url, control)


# 11. Person-only violations say which committee the person sits on, in one query for the page.
def test_person_only_violations_name_the_persons_committee(world):
    html = page(world, "a_admin", "/check/")
    row = re.search(r'<tr data-rule="contact-point-missing">.*?</tr>', html, re.S).group(0)
    assert "王副书记" in row and "甲旗委</a> 副书记" in row
    assert 'href="/orgs/A/"' in row
    # The rule's own message is left as the contract has it.
    assert "王副书记（PD）未建立党建工作联系点" in row


def test_the_committees_cost_one_query_whatever_the_rows(world, tree):
    c = client_for(world.users["a_admin"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/check/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for i in range(5):
        tree.post(f"PN{i}", "A1", "委员", start=date(2020, 1, 1))
    assert queries() == before
    html = c.get("/check/").content.decode()
    assert html.count("甲镇党委</a> 委员") >= 5


# 4b. A person with one contact point today finds it filled in; with two, neither; a link's own ?org wins.
def test_the_one_contact_point_is_filled_in(world):
    def chosen(url):
        html = page(world, "a_leader", url)
        return re.search(r'name="organization" value="([^"]*)"', html).group(1)

    from dangjian.contacts.models import ContactLink

    ContactLink.objects.filter(person__code="PA").delete()
    world.link("PA", "A1S", "联系点", start="2026-01-01")
    assert chosen("/activities/new/") == "A1S"
    world.link("PA", "A1T", "联系点", start="2026-01-01")
    assert chosen("/activities/new/") == ""
    assert chosen("/activities/new/?org=A1T") == "A1T"
