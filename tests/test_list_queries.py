"""No N+1 on any list page: the number of queries with N rows equals the number with 3N.

In the style of tests/test_web_scope.py's pin (NetBox's utilities/testing/query_counts.py):
every list page the walk knows (tests/test_url_coverage.py) is pinned here.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.accountability.models import Case, CaseStepReached
from dangjian.audit.models import AuditEvent
from dangjian.compliance.models import Finding
from dangjian.imports.models import ImportRun
from tests.test_web_scope import client_for, world  # noqa: F401

LIST_PAGES = {
    "orgs:organization_list": "/orgs/?kind=branch",
    "people:person_list": "/people/",
    "contacts:activity_list": "/activities/",
    "problems:problem_list": "/problems/",
    "compliance:finding_list": "/findings/",
    "audit:event_list": "/audit/",
    "audit:login_list": "/audit/logins/",
    "compliance:check": "/check/",
    "imports:run_add": "/import/",
    "accountability:case_list": "/accountability/cases/",
}


def grow(world, start, n):
    """n more branches under A1, each with a tier, a problem, a visit, a link, a post, a finding, an event, a run
    and a case."""
    admin = world.users["root_admin"]
    for i in range(start, start + n):
        org = world.org(f"X{i}", "A1", name=f"新支部{i}", tiers=[("中间", None)])
        world.problem(f"QX{i}", f"X{i}", "环境卫生")
        world.visit("PA", f"X{i}", date(2026, 10, 1))
        world.link("PA", f"X{i}", "联系支部")
        world.post(f"PX{i}", f"X{i}", "书记")
        Finding.objects.create(organization=org, author=admin, text=f"意见{i}")
        AuditEvent.objects.create(action="organization changed", organization=org, object_repr=org.name, actor=admin)
        AuditEvent.objects.create(action="user login failed", actor_label=f"试{i}", address="10.0.0.1")
        ImportRun.objects.create(uploaded_by=admin, file_name=f"{i}.xlsx", state=ImportRun.State.DONE, report={})
        case = Case.objects.create(key=f"visit-overdue|PX{i}|X{i}", rule="visit-overdue", person=world.people[f"PX{i}"],
                                   org=org, unit=org, handler=world.people["PA"], opened_on=date(2026, 11, 1),
                                   deadline=date(2026, 12, 1))
        CaseStepReached.objects.create(case=case, step="reminder_talk", on=date(2026, 11, 1))


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_list_queries_do_not_grow_with_rows(world, frozen_today, name):  # noqa: F811
    url = LIST_PAGES[name]
    c = client_for(world.users["root_admin"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    grow(world, 0, 5)
    c.get(url)  # warm the session
    few = queries()
    grow(world, 5, 10)
    many = queries()
    assert many == few, (name, few, many)


def test_every_list_page_is_pinned():
    """A list view (a ``*_list`` route) without a pin here fails."""
    from tests.test_url_coverage import named_routes

    lists = {name for name, _ in named_routes() if name.endswith("_list")}
    assert lists <= set(LIST_PAGES), sorted(lists - set(LIST_PAGES))
