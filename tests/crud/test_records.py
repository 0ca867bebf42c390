"""Organizations, persons and posts kept in the browser and the API: each write through its service, audited, in scope."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.audit.models import AuditEvent
from dangjian.audit.registry import LOGIN_ACTIONS
from dangjian.orgs import services as org_services
from dangjian.orgs.models import Organization, TierRating
from dangjian.people.models import Person, Post
from tests.test_web_scope import client_for

VALID_ID = "11010519491231002X"  # GB 11643 check digit X


def org(code):
    return Organization.objects.get(code=code)


def parent_of(code):
    return Organization.objects.get_parent(org(code)).code


def events(action):
    return list(AuditEvent.objects.filter(action=action))


# ----- organizations -------------------------------------------------------------------------------


def test_an_admin_adds_an_organization_under_a_picked_parent(world):
    c = client_for(world.users["a_admin"])
    page = c.get("/orgs/new/?parent=A1").content.decode()
    assert 'value="甲镇党委"' in page
    r = c.post("/orgs/new/", {"parent": "A1", "code": "A1N", "name": "甲新村党支部", "kind": "branch",
                              "domain": "village"})
    assert r.status_code == 302 and r["Location"] == "/orgs/A1N/"
    assert parent_of("A1N") == "A1" and org("A1N").name_initials == "jxcdzb"
    (event,) = events("organization added")
    assert event.actor == world.users["a_admin"] and event.after["parent"] == "A1"


def test_a_branch_needs_its_domain_and_a_code_is_unique(world):
    c = client_for(world.users["a_admin"])
    r = c.post("/orgs/new/", {"parent": "A1", "code": "A1S", "name": "重复", "kind": "branch", "domain": ""})
    body = r.content.decode()
    assert r.status_code == 200 and "组织编码“A1S”已被使用" in body and "党支部须填写所属领域" in body
    r = c.post("/orgs/new/", {"parent": "A1S", "code": "X1", "name": "支部下级", "kind": "branch",
                              "domain": "village"})
    assert "不存在或不在您的权限范围内" in r.content.decode()  # a 党支部 is no parent (the picker's kinds)
    assert not Organization.objects.filter(code__in=["X1"]).exists() and not events("organization added")


def test_an_admin_renames_and_the_audit_says_so(world):
    c = client_for(world.users["a_admin"])
    r = c.post("/orgs/A1T/edit/", {"name": "甲新社区党支部", "kind": "branch", "domain": "community"})
    assert r.status_code == 302
    assert org("A1T").name == "甲新社区党支部" and org("A1T").name_initials == "jxsqdzb"
    (event,) = events("organization changed")
    assert event.before["name"] == "甲社区党支部" and event.after["domain"] == "community"
    assert "修改组织" in c.get("/orgs/A1T/").content.decode()


def test_a_move_under_a_new_parent_and_never_into_its_own_subtree(world):
    c = client_for(world.users["a_admin"])
    world.org("A2", "A", kind="党委", name="乙镇党委")
    assert c.post("/orgs/A1T/move/", {"parent": "A2"}).status_code == 302
    assert parent_of("A1T") == "A2"
    (event,) = events("organization moved")
    assert event.before["parent"] == "A1" and event.after["parent"] == "A2"
    r = c.post("/orgs/A1/move/", {"parent": "A1"})
    assert "不能移到本组织或其下级组织之下" in r.content.decode()
    assert parent_of("A1") == "A"


def test_a_move_outside_the_users_subtree_is_refused_and_rolled_back(world):
    c = client_for(world.users["a_admin"])
    r = c.post("/orgs/A1S/move/", {"parent": "B"})
    assert "不存在或不在您的权限范围内" in r.content.decode()
    assert parent_of("A1S") == "A1"
    with pytest.raises(PermissionDenied):  # the service itself, given a parent outside the scope
        org_services.move_organization(world.users["a_admin"], org("A1S"), org("B"))
    assert parent_of("A1S") == "A1" and not events("organization moved")
    # Moving the admin's own root away from under them: the check after the move rolls it back.
    world.org("A9", "R", kind="党委", name="外部党委")
    with pytest.raises(PermissionDenied):
        org_services.move_organization(world.users["a_admin"], org("A1"), org("A9"))
    assert parent_of("A1") == "A" and org("A1").path.startswith(org("A").path)


def test_re_rating_adds_to_the_history(world):
    c = client_for(world.users["a_admin"])
    r = c.post("/orgs/A1S/tiers/new/", {"tier": "middle", "rated_on": "2026-06-01"})
    assert r.status_code == 302
    tiers = list(TierRating.objects.filter(organization__code="A1S").order_by("rated_on")
                 .values_list("tier", "rated_on"))
    assert tiers == [("lagging", date(2026, 1, 1)), ("middle", date(2026, 6, 1))]
    r = c.post("/orgs/A1S/tiers/new/", {"tier": "advanced", "rated_on": "2026-06-01"})
    assert "2026-06-01 已有定级记录（定级历史不可改写）" in r.content.decode()
    assert len(events("branch tier rated")) == 1
    assert c.get("/orgs/A1/tiers/new/").status_code == 404  # not a branch


# ----- posts ---------------------------------------------------------------------------------------


def test_appoint_and_remove_a_post(world):
    c = client_for(world.users["a_admin"])
    page = c.get("/orgs/A1T/").content.decode()
    assert "/orgs/A1T/posts/new/" in page
    r = c.post("/orgs/A1T/posts/new/", {"person": "PA2", "role": "secretary", "start_date": "2026-03-01"})
    assert r.status_code == 302
    post = Post.objects.get(person__code="PA2", organization__code="A1T")
    assert post.role == "secretary" and post.start_date == date(2026, 3, 1)
    r = c.post("/orgs/A1T/posts/new/", {"person": "PA2", "role": "secretary", "start_date": "2026-04-01"})
    assert "该人员已在本组织担任此职务" in r.content.decode()
    r = c.post(f"/posts/{post.pk}/end/", {"end_date": "2026-02-01"})
    assert "免职日期早于任职日期" in r.content.decode()
    assert c.post(f"/posts/{post.pk}/end/", {"end_date": "2026-10-01"}).status_code == 302
    post.refresh_from_db()
    assert post.end_date == date(2026, 10, 1)
    assert [e.action for e in AuditEvent.objects.order_by("pk")][-2:] == ["post appointed", "post ended"]


# ----- persons -------------------------------------------------------------------------------------


def test_person_edit_validates_id_card_and_mobile(world):
    c = client_for(world.users["a_admin"])
    r = c.post("/people/PA/edit/", {"name": "张三", "id_card": "110105194912310021", "mobile": "12345"})
    body = r.content.decode()
    assert "身份证号校验位错误（应为 X）" in body and "手机号应为 1 开头的 11 位数字" in body
    r = c.post("/people/PA/edit/", {"name": "张三", "id_card": VALID_ID.lower(), "mobile": "13812345678"})
    assert r.status_code == 302
    p = Person.objects.get(code="PA")
    assert (p.name, p.id_card, p.mobile, p.name_initials) == ("张三", VALID_ID, "13812345678", "zs")
    (event,) = events("person changed")
    assert event.after["id_card"] == "110***********002X" and event.after["mobile"] == "138****5678"
    assert VALID_ID not in str(event.after)


def test_numbers_masked_everywhere_the_full_ones_only_by_an_audited_reveal(world):
    person = Person.objects.get(code="PA")
    person.id_card, person.mobile = "152722198001013886", "13812345678"
    person.save()
    for role in ("a_admin", "a_inspector", "a_leader"):
        c = client_for(world.users[role])
        for url in ("/people/", "/people/PA/", "/api/people/PA"):
            body = c.get(url).content.decode()
            assert "152722198001013886" not in body and "13812345678" not in body, (role, url)
            assert "152***********3886" in body and "138****5678" in body, (role, url)
    admin = client_for(world.users["a_admin"])
    form = admin.get("/people/PA/edit/").content.decode()  # the edit form shows them masked, as placeholders
    assert "152722198001013886" not in form and "13812345678" not in form and "152***********3886" in form
    assert client_for(world.users["a_inspector"]).get("/people/PA/edit/").status_code == 404
    assert not events("person numbers revealed")
    assert 'action="/people/PA/reveal/"' in admin.get("/people/PA/").content.decode()
    page = admin.post("/people/PA/reveal/")
    body = page.content.decode()
    assert page.status_code == 200 and "152722198001013886" in body and "13812345678" in body
    assert page["Cache-Control"] == "no-store"
    (event,) = events("person numbers revealed")
    assert event.actor == world.users["a_admin"] and event.object_id == str(person.pk)
    assert "152722198001013886" not in str(event.after) and event.after["id_card"] == "152***********3886"
    assert "查看完整身份证号、手机号" in admin.get("/people/PA/").content.decode()  # on the person's audit
    for role in ("a_inspector", "a_leader", "a_branch"):
        c = client_for(world.users[role])
        assert 'action="/people/PA/reveal/"' not in c.get("/people/PA/").content.decode()
        r = c.post("/people/PA/reveal/")
        assert r.status_code in (403, 404) and "152722198001013886" not in r.content.decode(), role
    assert len(events("person numbers revealed")) == 1


def test_the_edit_form_keeps_a_number_left_blank_and_clears_a_ticked_one(world):
    person = Person.objects.get(code="PA")
    person.id_card, person.mobile = VALID_ID, "13812345678"
    person.save()
    c = client_for(world.users["a_admin"])
    assert c.post("/people/PA/edit/", {"name": "张三", "id_card": "", "mobile": ""}).status_code == 302
    person = Person.objects.get(code="PA")
    assert (person.name, person.id_card, person.mobile) == ("张三", VALID_ID, "13812345678")
    assert c.post("/people/PA/edit/", {"name": "张三", "clear_mobile": "on"}).status_code == 302
    person = Person.objects.get(code="PA")
    assert (person.id_card, person.mobile, person.mobile_digest) == (VALID_ID, "", "")


def _numbered(code, id_card, mobile):
    person = Person.objects.get(code=code)
    person.id_card, person.mobile = id_card, mobile
    person.save()
    return person


def _sheet(response):
    import io

    import openpyxl

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return {r[0]: r[1:] for r in ws.iter_rows(min_row=2, values_only=True)}


def test_the_directory_export_is_masked_full_numbers_only_for_an_admin_who_asks_audited(world):
    _numbered("PA", "152722198001013886", "13812345678")
    _numbered("PB", VALID_ID, "13900000000")  # banner B: outside a_admin's scope
    admin = client_for(world.users["a_admin"])
    assert "full=1" in admin.get("/people/").content.decode()
    rows = _sheet(admin.get("/people/export/"))
    assert rows["PA"][1:] == ("152***********3886", "138****5678") and "PB" not in rows
    (event,) = events("people exported")
    assert event.after == {"people_count": len(rows), "full_numbers": False, "shown_via": "export"}
    rows = _sheet(admin.get("/people/export/?q=PA&full=1"))
    assert rows["PA"][1:] == ("152722198001013886", "13812345678")
    event = AuditEvent.objects.filter(action="people exported").latest("pk")
    assert event.actor == world.users["a_admin"] and event.after["full_numbers"] is True
    for role in ("a_inspector", "a_leader", "a_branch"):
        c = client_for(world.users[role])
        assert "full=1" not in c.get("/people/").content.decode(), role
        assert c.get("/people/export/?full=1").status_code == 404, role
        body = c.get("/people/export/").content
        assert b"13812345678" not in body and b"152722198001013886" not in body
    assert len(events("people exported")) == 2 + 3  # each masked export audited too


def test_an_admin_finds_a_person_by_a_whole_number_others_do_not(world):
    _numbered("PA", "152722198001013886", "13812345678")
    admin = client_for(world.users["a_admin"])
    for term in ("152722198001013886", "13812345678"):
        assert "共 1 人" in admin.get(f"/people/?q={term}").content.decode(), term
    assert "共 0 人" in admin.get("/people/?q=13812345679").content.decode()
    assert "共 0 人" in client_for(world.users["a_inspector"]).get("/people/?q=13812345678").content.decode()


def test_directory_search_filters_and_count(world):
    Person.objects.filter(code="PA").update(name="张三")
    Person.objects.get(code="PA").save()  # the initials
    c = client_for(world.users["a_admin"])
    body = c.get("/people/").content.decode()
    assert "共 3 人" in body and "人员PB" not in body
    assert "张三" in c.get("/people/?q=zs").content.decode()
    assert "共 1 人" in c.get("/people/?q=PAS").content.decode()
    body = c.get("/people/?org=A1").content.decode()
    assert "共 2 人" in body and "人员PA2" in body and "人员PAS" in body
    assert "共 1 人" in c.get("/people/?post=branch").content.decode()
    assert "共 0 人" in c.get("/people/?org=B").content.decode()  # outside the scope: nothing
    assert "共 2 人" in c.get("/people/?post=committee").content.decode()


def test_directory_query_count_is_pinned(world, django_assert_max_num_queries):
    for i in range(30):
        world.post(f"X{i}", "A1T", "委员", start="2025-01-01")
    c = client_for(world.users["a_admin"])
    c.get("/people/")
    with django_assert_max_num_queries(12):
        assert "共 33 人" in c.get("/people/").content.decode()


def test_org_list_query_count_is_pinned(world, django_assert_max_num_queries):
    for i in range(30):
        world.org(f"A1X{i}", "A1", name=f"测试支部{i}")
    c = client_for(world.users["a_admin"])
    c.get("/orgs/?q=测试")
    with django_assert_max_num_queries(12):
        assert "测试支部29" in c.get("/orgs/?q=测试").content.decode()
    with django_assert_max_num_queries(12):
        c.get("/api/orgs?limit=100")


# ----- supervisors and out-of-scope admins write nothing, and see no controls -----------------------


WRITES = [("/orgs/new/", {"parent": "A1", "code": "Z1", "name": "新", "kind": "branch", "domain": "village"}),
          ("/orgs/A1T/edit/", {"name": "改名", "kind": "branch", "domain": "village"}),
          ("/orgs/A1T/move/", {"parent": "A"}),
          ("/orgs/A1S/tiers/new/", {"tier": "advanced", "rated_on": "2026-05-01"}),
          ("/orgs/A1T/posts/new/", {"person": "PA2", "role": "secretary", "start_date": "2026-03-01"}),
          ("/people/PA2/edit/", {"name": "改名", "id_card": "", "mobile": ""})]


@pytest.mark.parametrize("role", ["a_inspector", "a_leader", "a_branch"])
def test_readers_see_no_controls_and_their_posts_write_nothing(world, role):
    c = client_for(world.users[role])
    page = c.get("/orgs/A1S/").content.decode()
    for control in ("/edit/", "/move/", "/tiers/new/", "/posts/new/", "/orgs/new/", "/end/\""):
        assert control not in page, control
    before = AuditEvent.objects.count()
    for url, data in WRITES:
        assert c.get(url).status_code == 404, url
        assert c.post(url, data).status_code == 404, url
    post = Post.objects.get(person__code="PAS")
    assert c.post(f"/posts/{post.pk}/end/", {"end_date": "2026-10-01"}).status_code == 404
    assert AuditEvent.objects.count() == before
    assert org("A1T").name == "甲社区党支部" and parent_of("A1T") == "A1" and not Organization.objects.filter(code="Z1")
    assert Post.objects.get(pk=post.pk).end_date is None


def test_an_admin_of_another_banner_writes_nothing_here(world):
    from django.contrib.auth import get_user_model

    from dangjian.accounts.models import RoleGrant

    b_admin = get_user_model().objects.create_user("b_admin", password="pw-for-tests-1")
    RoleGrant.objects.create(user=b_admin, organization=world.orgs["B"], role="org_admin")
    c = client_for(b_admin)
    for url, data in WRITES:
        assert c.post(url, data).status_code in (200, 404), url
    assert not AuditEvent.objects.exclude(action__in=LOGIN_ACTIONS).exists()  # a log-in is no write
    assert c.post("/api/orgs", {"parent": "A1", "code": "Z2", "name": "新", "kind": "branch", "domain": "village"},
                  content_type="application/json").status_code == 404
    assert not Organization.objects.filter(code__in=["Z1", "Z2"]).exists()


# ----- the API -------------------------------------------------------------------------------------


def test_api_writes_go_through_the_services(world):
    c = client_for(world.users["a_admin"])
    assert c.get("/api/orgs/A1S").json()["parent"] == "A1"
    assert {o["code"]: o["parent"] for o in c.get("/api/orgs?limit=100").json()["items"]}["A1"] == "A"
    r = c.post("/api/orgs", {"parent": "A1", "code": "A1N", "name": "甲新村党支部", "kind": "branch",
                             "domain": "village"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["parent"] == "A1"
    r = c.post("/api/orgs", {"parent": "A1", "code": "A1M", "name": "无领域", "kind": "branch"},
               content_type="application/json")
    assert r.status_code == 422 and "domain" in r.json()["detail"]
    r = c.patch("/api/orgs/A1N", {"name": "甲新村第一党支部", "parent": "A"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["parent"] == "A" and r.json()["name"] == "甲新村第一党支部"
    r = c.patch("/api/orgs/A1", {"name": "不会保存", "parent": "A1S"}, content_type="application/json")
    assert r.status_code == 422 and org("A1").name == "甲镇党委"  # all or nothing
    r = c.patch("/api/people/PA", {"mobile": "13812345678"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["mobile"] == "138****5678"
    r = c.patch("/api/people/PA", {"id_card": "123"}, content_type="application/json")
    assert r.status_code == 422
    r = c.post("/api/posts", {"person": "PA2", "org": "A1T", "role": "deputy", "start_date": "2026-02-01"},
               content_type="application/json")
    assert r.status_code == 201
    r = c.post(f"/api/posts/{r.json()['id']}/end", {"end_date": "2026-09-01"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["end_date"] == "2026-09-01"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organization added", "organization changed", "organization moved", "person changed",
            "post appointed", "post ended"} <= actions


def test_api_writes_by_a_supervisor_are_refused(world):
    c = client_for(world.users["a_inspector"])
    assert c.post("/api/orgs", {"parent": "A1", "code": "Z", "name": "新", "kind": "branch", "domain": "village"},
                  content_type="application/json").status_code == 403
    assert c.patch("/api/orgs/A1T", {"name": "x"}, content_type="application/json").status_code == 404
    assert c.patch("/api/people/PA", {"name": "x"}, content_type="application/json").status_code == 404
    assert c.post("/api/posts", {"person": "PA2", "org": "A1T", "role": "deputy", "start_date": "2026-02-01"},
                  content_type="application/json").status_code == 403
    assert not AuditEvent.objects.exclude(action__in=LOGIN_ACTIONS).exists()  # a log-in is no write
