"""修改记录 shows a person's or an organization's code by its name (and the code), one query per kind of code."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.audit.display import changes
from dangjian.audit.services import record
from dangjian.ui.generic import audit_for
from tests.builders import Tree

pytestmark = pytest.mark.django_db


def test_codes_read_as_names_with_one_query_per_kind():
    tree = Tree()
    root = tree.org("R", kind="党委", name="自治区党委")
    tree.org("A1S", "R", name="甲嘎查党支部")
    for code in ("P1", "P2", "P3"):
        tree.post(code, "R", "委员")
    for code in ("P1", "P2", "P3"):
        record("organization changed", label="t", obj=root, organization=root,
               before={"person": "P9", "organization": "A1S"}, after={"person": code, "organization": "A1S"})
    with CaptureQueriesContext(connection) as queries:
        events = audit_for(root, organization=root)
        rows = [changes(e) for e in events]
    assert len(queries) == 3  # the events, the people, the organizations: not one per event
    texts = {after for row in rows for _, _, after, _ in row}
    assert {tree.people[c].name + f" {c}" for c in ("P1", "P2", "P3")} <= texts
    assert "甲嘎查党支部 A1S" not in texts  # unchanged beside a change: not repeated
    befores = {before for row in rows for _, before, _, changed in row if changed}
    assert befores == {"P9"}  # a code nobody holds stays a code


def test_the_audit_list_names_them_too(client):
    from django.contrib.auth import get_user_model

    tree = Tree()
    root = tree.org("R", kind="党委", name="自治区党委")
    tree.post("P1", "R", "委员")
    record("organization changed", label="t", obj=root, organization=root, before={"person": "P0"},
           after={"person": "P1"})
    admin = get_user_model().objects.create_superuser("root", password="x-Strong-pass-1")
    client.force_login(admin)
    body = client.get("/audit/").content.decode()
    assert f"{tree.people['P1'].name} P1" in body
