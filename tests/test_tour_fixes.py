"""What a walk through the demo as each role turned up (desktop and phone), each fixed where a user sees it."""

import re

from dangjian.compliance.rules import RULES
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)


def english(user):
    c = client_for(user)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def test_the_rule_titles_are_english_on_the_dashboard_and_the_check_page(world):  # noqa: F811
    c = english(world.users["a_admin"])
    home = c.get("/").content.decode()
    check = c.get("/check/").content.decode()
    for rule in RULES:
        assert rule.title not in home, rule.title
        dropdown = re.search(r'<select[^>]*name="rule".*?</select>', check, re.S).group(0)
        assert rule.title not in dropdown, rule.title
    assert "No contact point set up" in home and "No contact point set up" in check
    table = check[check.index('id="violations"'):]
    assert "未建立党建工作联系点</span>" not in table
    # …and Chinese by default, as the rules name them.
    assert "未建立党建工作联系点" in client_for(world.users["a_admin"]).get("/check/").content.decode()


def test_the_user_menu_is_centred_in_the_bar(world):  # noqa: F811
    html = client_for(world.users["a_admin"]).get("/").content.decode()
    # The name, the language button and 退出 sat at the top of the red bar, above the menu's baseline.
    assert 'class="navbar-nav flex-row align-items-center order-md-last"' in html


def test_an_overdue_leader_on_the_branch_home_breaks_the_line_on_a_phone(world):  # noqa: F811
    world.link("PA", "A1S", "联系点", start="2020-01-01")  # never visited: overdue
    html = client_for(world.users["a_branch"]).get("/").content.decode()
    leaders = html[html.index('id="leaders"'):html.index('id="team"')]
    # On a phone "（已逾期）" went off the right edge of the card; it now takes its own line there.
    assert '<span class="d-block d-md-inline" data-testid="overdue">（已逾期）</span>' in leaders
