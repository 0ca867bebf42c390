"""The pages' world: a banner A with a township A1 and its branch A1S (a grandchild of A), and banner B outside.

Users: the department and a supervisor at A, a leader at A who does not link A1S, a team
member of A1 who links A1S, the secretary of A1S, a supervisor at B.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangjian.accounts.models import Profile, RoleGrant

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def world(tree):
    tree.org("R", kind="党委", name="自治区党委")
    tree.org("A", "R", kind="党委", name="甲旗委")
    tree.org("A1", "A", kind="党委", name="甲镇党委")
    tree.org("A1S", "A1", name="甲嘎查党支部", tiers=[("中间", "2025-01-01"), ("后进", "2026-01-01")])
    tree.org("B", "R", kind="党委", name="乙旗委")
    tree.org("B1S", "B", name="乙嘎查党支部")
    tree.post("PA", "A", "书记", start="2020-01-01")
    tree.post("PA2", "A1", "委员", start="2020-01-01")
    tree.post("PASM", "A1S", "委员", start="2021-01-01")
    tree.post("PAS", "A1S", "书记", start="2022-01-01")
    tree.link("PA2", "A1S", "联系点", start="2026-01-01")
    tree.visit("PA2", "A1S", "2026-10-01", content="甲嘎查的调研")
    tree.problem("QA", "A1S", "环境卫生")
    tree.problem("QA2", "A1S", "道路破损", status="done", done="2026-05-01")
    tree.problem("QB", "B1S", "乙的问题")
    User = get_user_model()
    users = {}
    for name, org, role, person in [
        ("a_admin", "A", "org_admin", None), ("a_inspector", "A", "inspector", None),
        ("a_leader", "A", "leader", "PA"), ("a_member", "A1", "leader", "PA2"),
        ("a_branch", "A1S", "branch_secretary", "PAS"), ("b_inspector", "B", "inspector", None),
    ]:
        u = User.objects.create_user(name, password=PASSWORD)
        RoleGrant.objects.create(user=u, organization=tree.orgs[org], role=role)
        Profile.objects.create(user=u, person=tree.people[person] if person else None)
        users[name] = u
    tree.users = users
    return tree


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def as_user(world):
    return lambda name: client_for(world.users[name])
