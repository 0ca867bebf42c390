"""The 修改记录 page: every change in the user's scope, in words, never another banner's."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.contacts import services
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)


def test_changes_in_scope_in_words_and_nothing_from_the_other_banner(world):  # noqa: F811
    root = world.users["root_admin"]
    services.set_up_link(root, world.people["PA"], world.orgs["A1S"], "contact_point", date(2026, 11, 1))
    services.log_activity(root, world.people["PB"], world.orgs["B1S"], date(2026, 11, 2), "research", "乙旗调研")
    page = client_for(world.users["a_inspector"]).get("/audit/").content.decode()
    assert "建立联系" in page and "甲嘎查党支部" in page and "联系点" in page
    assert "乙旗调研" not in page and "记录活动" not in page.split('id="audit-events"')[1]
    everything = client_for(root).get("/audit/").content.decode()
    assert "乙旗调研" in everything and "建立联系" in everything
    only_visits = client_for(root).get("/audit/?action=activity%20logged").content.decode()
    assert "乙旗调研" in only_visits and "甲嘎查党支部" not in only_visits.split('id="audit-events"')[1]


def test_the_audit_page_does_not_query_per_row(world):  # noqa: F811
    root = world.users["root_admin"]
    c = client_for(root)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/audit/").status_code == 200
        return len(ctx)

    services.log_activity(root, world.people["PA"], world.orgs["A1S"], date(2026, 11, 1), "research")
    few = queries()
    for day in range(2, 12):
        services.log_activity(root, world.people["PA"], world.orgs["A1S"], date(2026, 11, day), "research")
    assert queries() == few
