"""What a user meets when something is wrong: Chinese pages and messages, never a bare 500."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from dangjian.accounts.models import Profile, RoleGrant

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def admin(tree):
    tree.org("A", kind="党委", name="甲旗委")
    tree.org("A1", "A", kind="党委", name="甲镇党委")
    tree.org("S1", "A1", name="一支部", tiers=[("后进", "2026-01-01")])
    tree.org("S2", "A1", name="二支部")
    tree.post("P1", "A", "书记", start="2020-01-01")
    tree.post("P2", "A1", "委员", start="2020-01-01")
    tree.visit("P2", "S2", "2025-01-01")
    tree.link("P2", "S2", "联系点", start="2024-01-01")
    user = get_user_model().objects.create_user("admin_a", password=PASSWORD)
    RoleGrant.objects.create(user=user, organization=tree.orgs["A"], role="org_admin")
    Profile.objects.create(user=user)
    c = Client()
    c.force_login(user)
    return c


def test_a_missing_record_is_a_chinese_page_with_a_way_home(admin):
    r = admin.get("/orgs/NOPE/")
    assert r.status_code == 404
    page = r.content.decode()
    assert "找不到您要的页面或记录" in page and 'href="/"' in page and "Not Found" not in page


def test_a_stale_form_is_explained_in_chinese():
    r = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403
    assert "页面已过期" in r.content.decode()


def test_the_server_error_page_is_chinese():
    page = server_error(RequestFactory().get("/")).content.decode()
    assert "系统出错了" in page and "没有写入任何数据" in page


@pytest.mark.parametrize("query", ["as_of=0001-01-01", "as_of=1899-12-31", "as_of=garbage",
                                   "visit_days=999999999", "visit_days=0", "visit_days=abc"])
def test_out_of_range_check_inputs_are_said_not_a_500(admin, query):
    r = admin.get(f"/check/?{query}")
    assert r.status_code == 200
    page = r.content.decode()
    assert "已按今天检查" in page or "已按 90 天检查" in page
    assert admin.get(f"/check/export.xlsx?{query}").status_code == 200


def test_the_api_check_refuses_out_of_range_inputs(admin):
    r = admin.get("/api/check?as_of=0001-01-01")
    assert r.status_code == 422 and "检查日期不能早于 1900-01-01" in r.json()["detail"]
    r = admin.get("/api/check?visit_days=999999999")
    assert r.status_code == 422 and "活动周期天数应在 1 到 36500 之间" in r.json()["detail"]


@pytest.mark.parametrize("args", [["--as-of", "0001-01-01"], ["--visit-days", "999999999"]])
def test_the_command_line_calls_out_of_range_inputs_usage_errors(admin, args, capsys):
    from dangjian.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["dangjian", "check", *args, "--format", "json"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "检查日期不能早于 1900-01-01" in err or "活动周期天数应在 1 到 36500 之间" in err


def test_the_export_holds_what_the_filtered_page_shows(admin):
    page = admin.get("/check/?as_of=2026-11-26&rule=visit-overdue").content.decode()
    shown = page.count('data-rule="visit-overdue"')
    everything = admin.get("/check/?as_of=2026-11-26").content.decode().count("<tr data-rule=")
    assert 0 < shown < everything
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/check/export.xlsx?as_of=2026-11-26&rule=visit-overdue").content))
    rules = [row[0] for row in book.active.iter_rows(values_only=True)
             if row and row[0] in {"visit-overdue", "contact-point-missing", "branch-link-missing",
                                   "secretary-lagging-link-missing", "lagging-uncovered"}]
    assert rules == ["visit-overdue"] * shown


def test_the_export_leaves_no_warning_for_the_next_page(admin):
    assert admin.get("/check/export.xlsx?as_of=1800-01-01&visit_days=0").status_code == 200
    page = admin.get("/problems/").content.decode()
    assert "已按今天检查" not in page and "已按 90 天检查" not in page


def test_an_unknown_rule_is_said_and_every_rule_shown(admin):
    page = admin.get("/check/?as_of=2026-11-26&rule=bogus").content.decode()
    assert "没有“bogus”这条规则，已显示全部规则" in page and "<tr data-rule=" in page
