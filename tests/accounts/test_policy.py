"""The policy table: every read through visible_to, writes re-checked after the save; the leaks found from outside."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from dangjian.accounts import policy
from dangjian.accounts.models import RoleGrant
from dangjian.compliance.models import Finding
from dangjian.contacts import services as contacts
from dangjian.contacts.models import Activity, ActivityPhoto, ContactLink
from dangjian.orgs.models import Organization
from dangjian.people.models import Person
from dangjian.people.queries import responsible_for, secretaries_above, secretary_of
from dangjian.problems import services as problems
from dangjian.problems.models import Problem
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_every_model_read_by_a_page_declares_its_policy():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("dangjian.")
            and m._meta.label_lower not in {"audit.auditobject", "audit.dataversion", "audit.auditchain", "accounts.profile",
                                            "accounts.rolegrant", "accounts.apitoken"}]
    missing = [m._meta.label for m in ours if m not in policy.policies()]
    assert missing == []


def test_visible_to_follows_the_grants(world):
    u = world.users
    assert codes(Organization.objects.visible_to(u["a_admin"])) == ["A", "A1", "A1S", "A1T"]
    assert codes(Organization.objects.visible_to(u["a_branch"])) == ["A1S"]
    assert codes(Organization.objects.visible_to(u["root_admin"])) == ["A", "A1", "A1S", "A1T", "B", "B1S", "R"]
    # Everyone reads; only the department keeps the tree.
    assert codes(Organization.objects.visible_to(u["a_inspector"], "change")) == []
    assert codes(Organization.objects.visible_to(u["a_leader"], "change")) == []
    assert codes(Person.objects.visible_to(u["a_admin"])) == ["PA", "PA2", "PAS"]


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    admin = world.users["a_admin"]
    admin.is_active = False
    assert not Organization.objects.visible_to(admin).exists()


def test_a_write_outside_the_scope_is_rolled_back(world):
    """ensure() after the save: the link written for another banner's branch does not stay."""
    with pytest.raises(PermissionDenied):
        contacts.set_up_link(world.users["a_admin"], world.people["PA"], world.orgs["B1S"], "contact_point")
    assert not ContactLink.objects.filter(person=world.people["PA"], organization=world.orgs["B1S"]).exists()


def test_leaders_keep_their_own_links_only(world):
    leader = world.users["a_leader"]
    link = contacts.set_up_link(leader, world.people["PA"], world.orgs["A1S"], "contact_point", date(2026, 1, 1))
    assert link.pk
    with pytest.raises(PermissionDenied):
        contacts.set_up_link(leader, world.people["PA2"], world.orgs["A1S"], "contact_point")
    with pytest.raises(PermissionDenied):  # supervisors read, they do not record links
        contacts.set_up_link(world.users["a_inspector"], world.people["PA"], world.orgs["A1T"], "contact_point")


def test_a_photo_is_served_with_its_activity_not_with_its_person(world):
    """Photo ids are sequential: seeing the activity's person must not be enough."""
    pa = world.people["PA"]  # a person of banner A …
    elsewhere = Activity.objects.create(person=pa, organization=world.orgs["B1S"], date=date(2026, 10, 1),
                                        kind="research")  # … who visited banner B
    photo = ActivityPhoto(activity=elsewhere)
    photo.image.save("x.png", ContentFile(PNG), save=True)
    assert client_for(world.users["a_admin"]).get(f"/photos/{photo.pk}/").status_code == 404
    root = client_for(world.users["root_admin"]).get(f"/photos/{photo.pk}/")
    assert root.status_code == 200
    # The person sees their own activity's photos wherever it was.
    assert client_for(world.users["a_leader"]).get(f"/photos/{photo.pk}/").status_code == 200


def test_a_team_member_keeps_the_ledger_only_where_they_link(world):
    leader = world.users["a_leader"]
    ContactLink.objects.create(person=world.people["PA"], organization=world.orgs["A1T"], kind="contact_point")
    assert problems.log_problem(leader, world.orgs["A1T"], "环境卫生", "垃圾", date(2026, 11, 1)).pk
    with pytest.raises(PermissionDenied):  # A1S is in the leader's banner, but they do not link it
        problems.log_problem(leader, world.orgs["A1S"], "环境卫生", "垃圾", date(2026, 11, 1))
    qa = Problem.objects.get(code="QA")
    assert not policy.allows(leader, "change", qa)
    assert policy.allows(world.users["a_branch"], "change", qa)
    assert not policy.allows(world.users["a_inspector"], "change", qa)


def test_the_person_page_names_no_branch_outside_the_scope(world):
    pa = world.people["PA"]
    ContactLink.objects.create(person=pa, organization=world.orgs["B1S"], kind="branch_link", start_date=date(2020, 1, 1))
    html = client_for(world.users["a_admin"]).get("/people/PA/").content.decode()
    assert "乙嘎查党支部" not in html
    own = client_for(world.users["a_leader"]).get("/people/PA/").content.decode()
    assert "乙嘎查党支部" in own  # their own page shows all of their own links


def test_a_user_with_roles_in_two_banners_sees_both(world):
    leader = world.users["a_leader"]
    RoleGrant.objects.create(user=leader, organization=world.orgs["B"], role="inspector")
    c = client_for(leader)
    data = c.get("/api/check?as_of=2026-11-26").json()
    assert data["scope"] == "A,B"
    assert data["summary"]["responsible_leaders"] == 3  # PA and PA2 in A, PB in B
    assert data["summary"]["branches"] == 3
    page = c.get("/").content.decode()
    assert "甲旗委" in page and "乙旗委" in page
    assert c.get("/check/?as_of=2026-11-26").status_code == 200


def test_supervisors_record_findings_and_nothing_else(world):
    from dangjian.compliance.services import record_finding

    inspector = world.users["a_inspector"]
    assert record_finding(inspector, world.orgs["A1S"], "三会一课记录不全").pk
    with pytest.raises(PermissionDenied):
        record_finding(inspector, world.orgs["B1S"], "越界")
    with pytest.raises(PermissionDenied):
        record_finding(world.users["a_leader"], world.orgs["A1S"], "不是督查")
    assert Finding.objects.count() == 1


def test_who_answers_for_a_branch(world):
    """「书记抓书记、一级抓一级」: the posts above a node, nearest committee first, 书记 first."""
    day = date(2026, 11, 26)
    world.post("PA3", "A1", "书记", start="2020-01-01")
    answer = [(p.organization.code, p.person.code, p.role) for p in responsible_for(world.orgs["A1S"], day)]
    assert answer == [("A1", "PA3", "secretary"), ("A1", "PA2", "member"), ("A", "PA", "secretary")]
    assert secretary_of(world.orgs["A1"], day).person.code == "PA3"
    assert [(c.code, p.person.code) for c, p in secretaries_above(world.orgs["A1S"], day)] == [("A1", "PA3"),
                                                                                               ("A", "PA")]
    # A post that ended no longer answers.
    assert [p.person.code for p in responsible_for(world.orgs["A1S"], date(2019, 1, 1))] == []


def test_the_policy_table_lists_every_action():
    rows = policy.table()
    assert ("problems.Problem", "reopen", ["组织部管理员"], [], []) in rows
    assert any(r[0] == "contacts.ContactLink" and r[1] == "add" and "书记/班子成员" in r[3] for r in rows)
