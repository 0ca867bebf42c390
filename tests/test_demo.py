"""The demo (CONTRACT §1, DOMAIN §7): the page's own figures, built by the synthetic builder and loaded
through the import, and the demo accounts."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from dangjian.accounts.models import RoleGrant
from dangjian.contacts.models import ContactLink
from dangjian.imports.synthetic import build_demo
from dangjian.imports.synthetic.common import CATEGORIES
from dangjian.people.models import Post
from dangjian.problems.models import VolunteerTeam
from dangjian.web.management.commands.demo import load_demo

TODAY = date(2026, 11, 26)
PAGE_SIX = ["环境卫生", "道路破损", "房屋漏雨", "墙皮脱落", "充电桩不足", "绿地不足"]


@pytest.fixture
def demo(db):
    return load_demo(today=TODAY)


def test_the_demo_keeps_the_pages_figures(demo, capsys):
    call_command("report", "problems", "--org", "150625", "--format", "json")
    figures = json.loads(capsys.readouterr().out)
    assert (figures["problems"], figures["completed"], figures["categories"]) == (625, 415, 54)
    assert figures["completion_rate"] == 0.664
    teams = VolunteerTeam.objects.filter(organization__code="150625")
    assert teams.count() == 125 and teams.aggregate(n=Sum("member_count"))["n"] == 4106
    assert list(CATEGORIES[:6]) == PAGE_SIX and len(set(CATEGORIES)) == 54


def test_23_cadres_paired_one_to_one_by_domain(demo):
    committees = ["150625", "15062501", "15062502", "15062503"]
    cadres = set(Post.objects.filter(organization__code__in=committees).values_list("person__code", flat=True))
    cadres -= set(Post.objects.filter(organization__code="15062504").values_list("person__code", flat=True))
    links = ContactLink.objects.filter(person__code__in=cadres, kind="contact_point").select_related("organization")
    assert len(cadres) == 23 and links.count() == 23
    assert len({link.organization_id for link in links}) == 23  # one to one
    domains = sorted(link.organization.domain for link in links)
    assert domains == sorted(["village"] * 12 + ["community"] * 2 + ["government"] * 6 + ["retired_cadres"]
                             + ["private_enterprise", "social_organization"])


def test_the_demo_accounts(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"admin", "hjq_zzb", "hjq_shuji", "hjq_weiyuan", "zhibu_shuji", "hjq_jiwei", "als_jiwei",
                          "dlt_zzb", "shenji"}
    assert users["admin"].check_password("admin") and users["hjq_shuji"].check_password("demo1234")
    grants = {g.user.username: (g.organization.code, g.role) for g in RoleGrant.objects.select_related("user",
                                                                                                  "organization")}
    assert grants["hjq_shuji"] == ("150625", "leader") and grants["dlt_zzb"] == ("150621", "org_admin")


def test_the_demo_is_deterministic():
    one, two = build_demo(today=TODAY), build_demo(today=TODAY)
    assert one.people == two.people and one.links == two.links and one.problems == two.problems


def test_the_demo_has_an_audit_administrator_who_reads_the_login_history(demo):
    """三员分立: the demo's ``admin`` (组织部管理员 of the whole demo, no superuser) has no login history;
    ``shenji`` (审计管理员 of the whole demo) reads everyone's log-ins and failures, from the menu."""
    from django.test import Client
    from django.urls import reverse

    Client(REMOTE_ADDR="10.7.7.7").post(reverse("accounts:login"), {"username": "hjq_shuji", "password": "wrong-1"})
    admin, auditor = Client(REMOTE_ADDR="10.7.7.8"), Client(REMOTE_ADDR="10.7.7.9")
    assert admin.post(reverse("accounts:login"), {"username": "admin", "password": "admin"}).status_code == 302
    assert auditor.post(reverse("accounts:login"), {"username": "shenji", "password": "demo1234"}).status_code == 302
    home = auditor.get("/").content.decode()
    assert f'href="{reverse("audit:login_list")}"' in home
    rows = auditor.get(reverse("audit:login_list")).content.decode().split('id="login-events"', 1)[1]
    assert "hjq_shuji" in rows and "10.7.7.7" in rows  # a failure of a banner's account
    assert "10.7.7.8" in rows and "10.7.7.9" in rows  # the department's log-in, and the auditor's own
    assert f'href="{reverse("audit:login_list")}"' not in admin.get("/").content.decode()
    rows = admin.get(reverse("audit:login_list")).content.decode().split('id="login-events"', 1)[1]
    assert "10.7.7.7" not in rows and "10.7.7.9" not in rows
