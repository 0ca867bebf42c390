"""Simultaneous writes never refuse a user: the running numbers and tree paths are taken under a lock.

On PostgreSQL (READ COMMITTED) two transactions read the same "last number" unless something serializes
them; SQLite's writers queue behind BEGIN IMMEDIATE. Each thread here has its own
connection and commits for real (transaction=True).
"""

import threading
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections

from dangjian.contacts.models import ContactLink
from dangjian.contacts.services import set_up_link
from dangjian.orgs.models import Organization
from dangjian.orgs.services import add_organization, rate_tier
from dangjian.people.models import Person
from dangjian.people.services import appoint as appoint_post
from dangjian.problems.models import Problem
from dangjian.problems.services import log_problem

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's test database is a shared-cache memory database whose table locks are not the
    # file database's queue (WAL, BEGIN IMMEDIATE with a timeout); the race is PostgreSQL's.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's concurrency"),
]

N = 50


def _all_at_once(work, n=N):
    """Run ``work(i)`` in ``n`` threads released together; return what each returned or raised."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def admin_and_branch():
    root = Organization.objects.add_root(dict(code="R", name="旗委", kind="party_committee", domain=""))
    branch = Organization.objects.add_child(root, dict(code="B", name="嘎查党支部", kind="branch", domain="village"))
    admin = get_user_model().objects.create_superuser("admin", password="x")
    return admin, root, branch


def test_fifty_problems_logged_at_once_all_succeed_with_distinct_numbers(admin_and_branch):
    admin, _, branch = admin_and_branch
    results = _all_at_once(lambda i: log_problem(admin, branch, "饮水安全", f"问题{i}", date(2026, 1, 5)).code)
    refused = [r for r in results if isinstance(r, Exception)]
    assert not refused, f"{len(refused)} of {N} refused: {refused[:3]}"
    assert len(set(results)) == N
    assert set(results) == {f"W20260105-{n:03d}" for n in range(1, N + 1)}
    assert Problem.objects.count() == N


def test_organizations_added_under_one_parent_at_once_all_succeed(admin_and_branch):
    admin, root, _ = admin_and_branch
    results = _all_at_once(lambda i: add_organization(admin, root, f"C{i}", f"支部{i}", "branch", "village").code,
                           n=20)
    refused = [r for r in results if isinstance(r, Exception)]
    assert not refused, f"{len(refused)} refused: {refused[:3]}"
    root.refresh_from_db()
    assert root.numchild == 21
    paths = list(Organization.objects.filter(depth=2).values_list("path", flat=True))
    assert len(set(paths)) == 21


def _one_made_the_rest_told(results):
    made = [r for r in results if not isinstance(r, Exception)]
    told = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(told) == len(results) - 1, [r for r in results if isinstance(r, Exception)
                                                            and not isinstance(r, ValidationError)][:3]


def test_the_same_link_submitted_at_once_is_made_once_and_the_rest_are_told(admin_and_branch):
    admin, _, branch = admin_and_branch
    person = Person.objects.create(code="P1", name="任书记")
    _one_made_the_rest_told(_all_at_once(
        lambda i: set_up_link(admin, person, branch, "contact_point", date(2026, 1, 1)), n=10))
    assert ContactLink.objects.count() == 1


def test_the_same_post_tier_or_code_at_once_is_made_once(admin_and_branch):
    admin, root, branch = admin_and_branch
    person = Person.objects.create(code="P1", name="任书记")
    _one_made_the_rest_told(_all_at_once(
        lambda i: appoint_post(admin, person, root, "secretary", date(2026, 1, 1 + i)), n=10))
    _one_made_the_rest_told(_all_at_once(lambda i: rate_tier(admin, branch, "lagging", date(2026, 1, 1)), n=10))
    _one_made_the_rest_told(_all_at_once(
        lambda i: add_organization(admin, root, "SAME", f"支部{i}", "branch", "village"), n=10))
