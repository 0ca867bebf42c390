"""Every figure of the dashboard clicks through to the records behind it, and the list it
opens shows the same count as the figure: cards, every bar of every chart (from the chart
JSON the page embeds), the rule list and the rows of 今年等次变化.
"""

import html
import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import Profile, RoleGrant

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def banner(tree):
    """A banner whose branches changed tier this year, with problems of several categories and statuses."""
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    changed = min(today, year_start + timedelta(days=1))  # a day after 1 January (today on 1 January)
    long_ago = "2020-03-01"
    tree.org("R", kind="党委", name="杭锦旗委")
    tree.org("T1", "R", kind="党委", name="锡尼镇党委")
    tree.org("B1", "T1", name="一嘎查党支部", tiers=[("后进", long_ago), ("中间", changed)])
    tree.org("B2", "T1", name="二嘎查党支部", tiers=[("后进", long_ago)])
    tree.org("B3", "T1", name="三嘎查党支部", tiers=[("中间", long_ago), ("先进", changed)])
    tree.org("B4", "T1", name="四嘎查党支部", tiers=[("先进", None), ("后进", today + timedelta(days=30))])
    tree.org("B5", "T1", name="五嘎查党支部", tiers=[("后进", changed)])
    tree.org("B6", "T1", name="六嘎查党支部")
    tree.org("B7", "T1", name="七嘎查党支部", tiers=[("后进", long_ago), ("后进", year_start)])
    tree.org("T2", "R", kind="党委", name="伊和乌素苏木党委")
    tree.org("C1", "T2", name="一社区党支部", domain="community", tiers=[("中间", year_start)])
    tree.org("C2", "T2", name="二社区党支部", domain="community", tiers=[("后进", long_ago), ("中间", changed)])
    tree.org("X", kind="党委", name="达拉特旗委")  # outside the user's scope: never counted
    tree.org("XB", "X", name="平原街道党支部", tiers=[("后进", None)])
    tree.post("PR", "R", "书记", start="2020-01-01")
    tree.post("PT1", "T1", "书记", start="2020-01-01")
    tree.post("PT2", "T2", "委员", start="2020-01-01")
    tree.link("PR", "B2", "联系点", start="2020-01-01")
    tree.link("PT2", "C1", "联系点", start="2020-01-01")
    tree.visit("PR", "B2", today)
    tree.visit("PT2", "C1", today - timedelta(days=40))
    tree.visit("PT2", "C1", today - timedelta(days=45))
    n = 0
    for org, category, statuses in [
        ("B1", "环境卫生", ["pending", "pending", "done", "done", "in_progress"]),
        ("B2", "环境卫生", ["done", "pending"]),
        ("C1", "道路破损", ["done", "done", "pending"]),
        ("C2", "水 & 电#1", ["done", "in_progress"]),  # a category that needs escaping in a link
        ("B5", "充电桩不足", ["in_progress"]),
        ("XB", "环境卫生", ["done", "done", "done"]),
    ]:
        for status in statuses:
            n += 1
            tree.problem(f"Q{n}", org, category, status, found=year_start,
                         done=today if status == "done" else None)
    user = get_user_model().objects.create_user("r_admin", password=PASSWORD)
    RoleGrant.objects.create(user=user, organization=tree.orgs["R"], role="org_admin")
    Profile.objects.create(user=user)
    client = Client()
    client.force_login(user)
    tree.client = client
    tree.year_start = year_start
    return tree


def number_on(response, url):
    """The count the list at ``url`` shows."""
    assert response.status_code == 200, url
    text = response.content.decode()
    if url.startswith("/check/"):
        return len(re.findall(r'<tr data-rule="', text))
    found = re.search(r'data-testid="result-count">\D*(\d+)', text)
    if found:
        return int(found.group(1))
    return response.context["paginator"].count  # the activity list: its rows, every page


def dashboard_figures(text):
    """[(what, figure, url)] for every figure the dashboard page links."""
    figures = []
    for url, n, value in re.findall(
            r'href="([^"]+)" data-testid="card-(\d)">.*?<div class="h1 mb-1">([^<]+)</div>', text, re.S):
        figures.append((f"card {n}", value.strip(), html.unescape(url)))
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', text, re.S)[1])
    for name, spec in charts.items():
        for s in spec["series"]:
            links = s.get("links") or spec["links"]
            assert len(links) == len(s["data"]) == len(spec["categories"]), name
            for category, value, url in zip(spec["categories"], s["data"], links):
                figures.append((f"{name} · {s['name']} · {category}", value, url))
    for url, a, b, n in re.findall(
            r'<tr class="row-link" data-testid="transition" data-href="([^"]+)"><td><a[^>]*>([^<]+)</a></td>'
            r'<td>([^<]+)</td><td class="text-end">(\d+)</td>', text):
        figures.append((f"transition {a} → {b}", int(n), html.unescape(url)))
    for url, title, n in re.findall(
            r'<a class="list-group-item[^"]*" href="([^"]+)">\s*<span>([^<]+)</span><span class="badge[^"]*">(\d+)</span>',
            text):
        figures.append((f"rule {title}", int(n), html.unescape(url)))
    return figures


def test_every_dashboard_link_opens_a_list_with_the_figures_count(banner):
    c = banner.client
    page = c.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    figures = dashboard_figures(text)
    kinds = {what.split(" ")[0] for what, _, _ in figures}
    assert kinds >= {"card", "tiers", "visits", "problems", "transition", "rule"}, kinds
    assert len([f for f in figures if f[0].startswith("transition")]) >= 5
    checked = 0
    for what, figure, url in figures:
        shown = number_on(c.get(url), url)
        if what.startswith("card"):
            left, _, right = str(figure).partition(" / ")
            if "rule=lagging-branch-uncovered" in url:
                # 有人联系 X / 全部 Y opens the Y − X lagging branches nobody links.
                assert shown == int(right) - int(left), (what, figure, url)
            elif url.startswith("/check/"):
                summary = c.get(url).context["result"].summary
                assert (summary["compliant_leaders"], summary["responsible_leaders"]) == (int(left), int(right))
            else:
                assert shown == int(right or left), (what, figure, url)
        else:
            assert shown == figure, (what, figure, url, shown)
        checked += 1
    assert checked == len(figures) > 40


def test_the_start_of_year_bar_opens_the_branches_of_that_tier_on_1_january(banner):
    c = banner.client
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>',
                                  c.get("/").content.decode(), re.S)[1])
    tiers = charts["tiers"]
    lagging = tiers["categories"].index("后进")
    then, now = tiers["series"]
    assert (then["data"][lagging], now["data"][lagging]) == (4, 3)
    page = c.get(then["links"][lagging]).content.decode()
    assert f'截至 {banner.year_start:%Y-%m-%d}' in page  # the as-of date in the filter summary
    assert "共 4 个组织" in page
    for name in ("一嘎查党支部", "二嘎查党支部", "七嘎查党支部", "二社区党支部"):
        assert name in page
    assert "五嘎查党支部" not in page  # lagging today, not on 1 January
    assert "共 3 个组织" in c.get(now["links"][lagging]).content.decode()


def test_the_completed_bar_opens_only_the_completed_problems_of_its_category(banner):
    c = banner.client
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>',
                                  c.get("/").content.decode(), re.S)[1])
    problems = charts["problems"]
    i = problems["categories"].index("环境卫生")
    total, done = problems["series"]
    assert (total["data"][i], done["data"][i]) == (7, 3)
    assert "符合条件的问题 3 个" in c.get(done["links"][i]).content.decode()
    assert "符合条件的问题 7 个" in c.get(total["links"][i]).content.decode()
    j = problems["categories"].index("水 & 电#1")
    assert "符合条件的问题 1 个" in c.get(done["links"][j]).content.decode()


def test_a_transition_row_opens_the_branches_that_made_it(banner):
    c = banner.client
    text = c.get("/").content.decode()
    rows = {(a, b): (int(n), html.unescape(url)) for url, a, b, n in re.findall(
        r'data-testid="transition" data-href="([^"]+)"><td><a[^>]*>([^<]+)</a></td><td>([^<]+)</td>'
        r'<td class="text-end">(\d+)</td>', text)}
    n, url = rows[("后进", "中间")]
    assert n == 2
    page = c.get(url).content.decode()
    assert "共 2 个组织" in page and "一嘎查党支部" in page and "二社区党支部" in page
    assert "二嘎查党支部" not in page
    assert 'data-testid="transition-summary"' in page
    n, url = rows[("未定级", "后进")]
    assert n == 1 and "五嘎查党支部" in c.get(url).content.decode()


@pytest.mark.parametrize("q", ["%00", "%00%00", "a%00b"])
def test_a_search_holding_nul_is_refused_in_chinese(banner, q):
    """NUL is bad input anywhere (ui.middleware.RefuseNulBytes; tests/test_nul_bytes.py), a search too."""
    page = banner.client.get(f"/orgs/?q={q}&kind=branch")
    assert page.status_code == 400 and "参数“q”含有空字符" in page.content.decode()


@pytest.mark.parametrize("q", ["%20%20", "%09", "%E2%80%8B"])
def test_a_search_of_control_characters_or_blanks_matches_nothing(banner, q):
    page = banner.client.get(f"/orgs/?q={q}&kind=branch")
    assert page.status_code == 200
    text = page.content.decode()
    if q in ("%20%20", "%09"):  # blanks: no search, the other filters still apply
        assert "共 9 个组织" in text
    else:
        assert "共 0 个组织" in text and "没有符合条件的组织" in text
        assert "一嘎查党支部" not in text
    page = banner.client.get(f"/orgs/?q={q}").content.decode()
    if q not in ("%20%20", "%09"):
        assert "没有符合条件的组织" in page and "锡尼镇党委" not in page


def test_the_tree_shows_the_root_open_and_its_children_once(banner):
    text = banner.client.get("/orgs/").content.decode()
    assert text.count(">锡尼镇党委</a>") == 1
    # The root is open (▾) with its children under it: its button loads nothing again.
    root = re.search(r'<button[^>]*aria-expanded="true"[^>]*>▾</button>\s*<a href="/orgs/R/">', text)
    assert root and "hx-get" not in root.group(0)
    # A closed node loads its children once.
    town = re.search(r'<button[^>]*aria-expanded="false"[^>]*>▸</button>\s*<a href="/orgs/T1/">', text)
    assert town and 'hx-trigger="click once"' in town.group(0)
    kids = banner.client.get("/orgs/T1/children/").content.decode()
    assert kids.count("一嘎查党支部") == 1


def test_the_favicon_is_served(banner):
    anonymous = Client()
    response = anonymous.get("/favicon.ico")
    assert response.status_code == 301
    icon = anonymous.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
    assert 'rel="icon"' in banner.client.get("/").content.decode()
