"""The interface is Chinese by default; English comes from the language switcher (not the browser's language).

The Chinese text is the msgid, so a page rendered in Chinese is the page as it was
written; the English catalog (src/dangjian/locale/en) must translate every msgid, and
the compiled .mo kept in the repository must say what the .po says.
"""

import gettext
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from dangjian.accounts.models import Profile, RoleGrant

PASSWORD = "pw-for-i18n-1"
CATALOG = Path(__file__).resolve().parents[1] / "src" / "dangjian" / "locale" / "en" / "LC_MESSAGES"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
PAGES = ["/", "/orgs/", "/check/", "/orgs/A1S/", "/people/PA/", "/problems/", "/activities/", "/links/new/"]
ENGLISH_NAV = ["Home", "Organizations", "Compliance check", "Livelihood issues", "My contact points", "Import",
               "Log out"]
CHINESE_NAV = ["首页", "组织", "制度检查", "民生问题", "我的联系点", "导入", "退出"]


@pytest.fixture
def world(tree):
    tree.org("R", kind="党委", name="自治区党委")
    tree.org("A", "R", kind="党委", name="甲旗委")
    tree.org("A1S", "A", name="甲嘎查党支部", tiers=[("后进", None)])
    tree.post("PA", "A", "书记", start="2020-01-01")
    tree.link("PA", "A1S", "联系点", start="2024-01-01")
    tree.problem("QA", "A1S", "环境卫生")
    user = get_user_model().objects.create_user("leader", password=PASSWORD)
    RoleGrant.objects.create(user=user, organization=tree.orgs["A"], role="org_admin")
    Profile.objects.create(user=user, person=tree.people["PA"])
    tree.user = user
    return tree


def logged_in(world, language=None, **headers):
    c = Client(**headers)
    c.force_login(world.user)
    if language:
        assert c.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302
    return c


def navbar(html):
    """The page's navbar without the language switcher (which names the languages in their own tongue)."""
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    return re.sub(r'<form[^>]*data-testid="language-switch".*?</form>', "", header, flags=re.S)


def charts(html):
    """The dashboard's chart specifications (titles, series names) as the page hands them to ECharts."""
    return json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def test_pages_are_chinese_by_default(world):
    c = logged_in(world)
    for url in PAGES:
        html = c.get(url).content.decode()
        assert '<html lang="zh-CN">' in html, url
        nav = navbar(html)
        for label in CHINESE_NAV:
            assert f">{label}</a>" in nav or f">{label}</button>" in nav, (url, label)
        for label in ENGLISH_NAV:
            assert label not in nav, (url, label)
    dashboard = c.get("/").content.decode()
    assert "责任主体达标" in dashboard
    assert charts(dashboard)["visits"]["title"] == "近 12 个月到联系点开展活动次数"
    assert "导出 Excel" in c.get("/check/").content.decode()
    login = Client().get("/login/").content.decode()
    assert "用户名" in login and "密码" in login and "Username" not in login


def test_the_switcher_turns_the_pages_english_and_back(world):
    c = logged_in(world)
    page = c.get("/orgs/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'value="en"' in page
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/orgs/"})
    assert r.status_code == 302 and r["Location"] == "/orgs/"
    for url in PAGES:
        html = c.get(url).content.decode()
        assert '<html lang="en">' in html, url
        nav = navbar(html)
        for label in ENGLISH_NAV:
            assert label in nav, (url, label)
        assert not CJK.search(nav), (url, CJK.findall(nav))
        assert ">简体中文</button>" in html, url  # the way back
    orgs = c.get("/orgs/").content.decode()
    assert "Party organizations" in orgs and "Party committee" in orgs  # heading, and a kind (a stored choice)
    dashboard = c.get("/").content.decode()
    for text in ["Responsible leaders in compliance", "Lagging branches linked", "Livelihood issues completed",
                 "Tier changes this year"]:
        assert text in dashboard, text
    assert charts(dashboard)["visits"]["title"] == "Activities at contact points, last 12 months"
    assert charts(dashboard)["tiers"]["categories"] == ["Advanced", "Middle", "Lagging", "Not rated"]
    check = c.get("/check/").content.decode()
    assert "Export to Excel" in check and "Fully compliant" in check
    person = c.get("/people/PA/").content.decode()
    assert "Contact points and linked branches" in person and "Contact point" in person
    c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = c.get("/").content.decode()
    assert '<html lang="zh-CN">' in html and ">首页</a>" in html and "Home" not in navbar(html)


def test_the_cached_dashboard_is_cached_per_language(world, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "dangjian-i18n-test"}}
    from django.core.cache import cache

    cache.clear()
    english = charts(logged_in(world, "en").get("/").content.decode())
    chinese = charts(logged_in(world).get("/").content.decode())
    assert english["problems"]["title"] == "Livelihood issues (by category, top 15)"
    assert chinese["problems"]["title"] == "民生问题（按类别，前 15 类）"


def test_the_browser_language_does_not_choose(world):
    """An English-language browser (or a script's default headers) still gets the Chinese interface."""
    for header in ["en-US,en;q=0.9", "en", "zh-CN,zh;q=0.9,en;q=0.8"]:
        page = logged_in(world, HTTP_ACCEPT_LANGUAGE=header).get("/check/").content.decode()
        assert ">制度检查</a>" in page and "Compliance check" not in page, header
    english = logged_in(world, "en", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert ">Compliance check</a>" in english.get("/check/").content.decode()


def test_the_switcher_works_on_the_login_page(world):
    c = Client()
    login = c.get("/login/").content.decode()
    assert 'data-testid="language-switch"' in login
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert r.status_code == 302 and r["Location"] == "/login/"  # not sent to the login page as a protected page
    login = c.get("/login/").content.decode()
    assert '<html lang="en">' in login
    for text in ["Username", "Password", "Log in", "Party-Building Contact Points"]:
        assert text in login, text
    assert c.post("/login/", {"username": "leader", "password": PASSWORD}).status_code == 302
    assert ">Home</a>" in c.get("/").content.decode()  # the choice outlives the login


def test_messages_and_form_errors_follow_the_language(world):
    c = logged_in(world, "en")
    r = c.post("/links/new/", {"person": "PA", "organization": "NOPE", "kind": "contact_point",
                               "start_date": "2024-01-01"})
    assert "“NOPE” does not exist or is outside your permissions; choose from the list" in r.content.decode()
    r = c.post("/links/new/", {"person": "PA", "organization": "A1S", "kind": "contact_point",
                               "start_date": "2024-01-01"})
    assert "The same link with the same start date already exists" in r.content.decode()  # from the service
    r = c.post("/links/new/", {"person": "PA", "organization": "A1S", "kind": "branch_link",
                               "start_date": "2024-02-01"}, follow=True)
    assert "Linked branch set up: 甲嘎查党支部" in r.content.decode()


def test_the_api_does_not_follow_the_language(world):
    """The API (like the command line) is a fixed Chinese interface."""
    c, e = logged_in(world), logged_in(world, "en")
    assert e.get("/api/orgs/A1S").json() == c.get("/api/orgs/A1S").json()
    assert e.get("/api/check").json() == c.get("/api/check").json()
    assert e.get("/api/orgs/A1S").json()["kind"] == c.get("/api/orgs/A1S").json()["kind"]


def test_every_choice_the_pages_show_has_english():
    from dangjian.accounts.models import Role
    from dangjian.contacts.models import ActivityKind, LinkKind
    from dangjian.imports.models import ImportRun
    from dangjian.orgs.models import Domain, OrgKind, Tier
    from dangjian.people.models import PostRole
    from dangjian.problems.models import ProblemStatus

    with translation.override("en"):
        for choices in (OrgKind, Domain, Tier, PostRole, LinkKind, ActivityKind, ProblemStatus, Role,
                        ImportRun.State):
            for value, label in choices.choices:
                assert translation.gettext(label) != label, (choices.__name__, value, label)
                assert isinstance(label, str)  # stored labels stay plain Chinese (importer, API, rules)


def parse_po(path):
    """{(msgctxt, msgid): (msgstr, flags)} from a .po file (enough of the format for makemessages' output)."""
    entries, current, field, flags = {}, {}, None, []

    def flush():
        if "msgid" in current and current["msgid"]:
            entries[(current.get("msgctxt"), current["msgid"])] = (current.get("msgstr", ""), flags[:])

    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
            current, field, flags = {}, None, []
        elif line.startswith("#,"):
            flags.extend(f.strip() for f in line[2:].split(","))
        elif line.startswith("#~"):
            raise AssertionError(f"obsolete entry left in the catalog: {line}")
        elif line.startswith("#"):
            continue
        else:
            m = re.match(r'^(msgctxt|msgid|msgstr)\s+"(.*)"$', line)
            if m:
                field = m.group(1)
                current[field] = unescape(m.group(2))
            else:
                current[field] += unescape(re.match(r'^"(.*)"$', line).group(1))
    return entries


def unescape(s):
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def test_the_english_catalog_is_complete_and_compiled():
    entries = parse_po(CATALOG / "django.po")
    assert len(entries) > 200
    with open(CATALOG / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for (context, msgid), (msgstr, flags) in entries.items():
        assert msgstr.strip(), f"no English for {msgid!r}"
        assert "fuzzy" not in flags, f"fuzzy: {msgid!r}"
        assert not CJK.search(msgstr.replace("“", "").replace("”", "")), f"Chinese left in {msgstr!r}"
        placeholders = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdf]|%%")
        assert sorted(placeholders.findall(msgstr)) == sorted(placeholders.findall(msgid)), msgid
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert got == msgstr, f"the .mo is stale for {msgid!r}: recompile (compilemessages)"
    # …and the .mo holds nothing the .po no longer has.
    compiled_ids = {k for k in compiled._catalog if k}
    po_ids = {f"{c}\x04{m}" if c else m for c, m in entries}
    assert compiled_ids == po_ids


def test_lazy_verbose_names_leave_the_migrations_alone(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
