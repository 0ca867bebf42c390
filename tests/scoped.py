"""The scoped-view tests every model's views inherit (NetBox's ``ViewTestCases``, small).

A model's test class declares its ``model``, how to build one row inside banner A
(``build_inside``) and one inside banner B (``build_outside``), and its URLs
(:class:`Url`: a URL name, how to get its arguments from a row, the policy action it
serves and, for a write, the POST data). The expectations come from the policy table
(``dangjian.accounts.policy.access``) and the world's grants, never from a hand-kept
list: add a role to an action and the tests expect it to answer.

- every user the policy lets read the inside row gets 200 on each read URL;
- the outside row answers 404 on every URL naming it, for every user but the root's;
- a user the policy does not let write posts valid data to each write URL and nothing is
  written (the row, the model's count and the audit trail unchanged), and the read pages
  they see carry no link to that write URL;
- a user the policy lets write gets the form (200, or a redirect) and their POST writes.

Every URL name a class declares goes into :data:`COVERED`; ``tests/test_url_coverage.py``
fails on any named route no class declares.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as tz
from typing import Callable

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from dangjian.accounts.policy import access
from dangjian.audit.registry import LOGIN_ACTIONS
from dangjian.audit.models import AuditEvent
from dangjian.contacts.models import ContactLink
from tests.test_web_scope import client_for, world  # noqa: F401  (the two-banner world, users per role)

COVERED = {}  # URL name -> the test classes declaring it
TODAY = datetime(2026, 11, 26, 10, 0, tzinfo=tz(timedelta(hours=8)))  # = conftest.FROZEN_AT


@dataclass(frozen=True)
class Url:
    """One URL of a model's views.

    ``args(row)``: the URL's arguments (None: none); ``query(row)``: its query string;
    ``action``: the policy action the URL serves ("view" for a page that reads);
    ``data(row)``: the POST data of a write (valid: a writer's POST writes);
    ``model``: the model the write adds to, when not the class's (a tier on an organization);
    ``form``: whether a GET shows the form (False for POST-only views);
    ``outside``: whether the outside row's URL must be a 404 (False, with a reason, where a
    page answers with the user's own scope instead).
    """

    name: str
    args: Callable | None = None
    query: Callable | None = None
    action: str = "view"
    data: Callable | None = None
    model: type | None = None
    form: bool = True
    outside: bool = True

    @property
    def writes(self):
        return self.data is not None

    def path(self, row):
        url = reverse(self.name, args=self.args(row) if self.args else None)
        if self.query:
            from urllib.parse import urlencode

            url += "?" + urlencode(self.query(row))
        return url

    def names_a_row(self):
        return self.args is not None or self.query is not None


class ScopedViewTests:
    """Subclass as ``class TestXViews(ScopedViewTests)`` with ``model``, ``urls`` and the two builders."""

    model = None
    urls = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for url in cls.urls:
            COVERED.setdefault(url.name, []).append(cls.__name__)

    # ----- what a subclass declares
    def build_inside(self, world):
        """A row inside banner A (at or below A1S), saved."""
        raise NotImplementedError

    def build_outside(self, world):
        """A row inside banner B, outside every A user's scope."""
        raise NotImplementedError

    def org_of(self, row):
        """The organization a row lies at (its reach into the tree)."""
        return row.organization

    def owner_of(self, row):
        """The person a row belongs to, for the policy's ``own`` access."""
        return getattr(row, "person", None)

    def permits(self, user, action, row, model=None):
        """Whether the policy table lets ``user`` take ``action`` on ``row``: judged from the
        table and the user's grants here, not by asking ``visible_q`` (the code under test)."""
        rule = access(model or self.model, action)
        org = self.org_of(row)
        person = getattr(getattr(user, "profile", None), "person", None)
        for grant in user.grants.select_related("organization"):
            covers = org.path.startswith(grant.organization.path)
            if covers and grant.role in rule.roles:
                return True
            if rule.own and person is not None and self.owner_of(row) == person and grant.role in rule.own:
                if rule.own_anywhere or covers:
                    return True
            if covers and grant.role in rule.linked and person is not None:
                if ContactLink.objects.filter(person=person, organization=org).active_on(TODAY.date()).exists():
                    return True
        return False

    # ----- the world, frozen
    @pytest.fixture(autouse=True)
    def _frozen(self, frozen_today):
        return frozen_today

    @pytest.fixture
    def rows(self, world):  # noqa: F811
        return self.build_inside(world), self.build_outside(world)

    def scoped_users(self, world):  # noqa: F811
        """Every user but the root's: their grants lie in banner A."""
        return {name: u for name, u in world.users.items() if name != "root_admin"}

    def fingerprint(self, row, url):
        models = {self.model, url.model or self.model}
        fresh = type(row)._default_manager.filter(pk=row.pk).first()
        return (model_to_dict(fresh) if fresh is not None else None,
                tuple(m._default_manager.count() for m in sorted(models, key=lambda m: m._meta.label)),
                AuditEvent.objects.exclude(action__in=LOGIN_ACTIONS).count())  # a test client's log-in is no write

    def read_urls(self):
        return [u for u in self.urls if not u.writes]

    def write_urls(self):
        return [u for u in self.urls if u.writes]

    # ----- the inherited tests
    def test_readers_in_scope_get_the_read_pages(self, world, rows):  # noqa: F811
        inside, _ = rows
        readers = [n for n, u in self.scoped_users(world).items() if self.permits(u, "view", inside)]
        assert readers, "the policy lets nobody in banner A read the row: the test would prove nothing"
        for name in readers:
            c = client_for(world.users[name])
            for url in self.read_urls():
                assert c.get(url.path(inside)).status_code == 200, (name, url.name)

    def test_the_outside_row_is_a_404_everywhere(self, world, rows):  # noqa: F811
        _, outside = rows
        for name, user in self.scoped_users(world).items():
            c = client_for(user)
            for url in self.urls:
                if not url.names_a_row() or not url.outside:
                    continue
                path = url.path(outside)
                if url.form or not url.writes:
                    assert c.get(path).status_code == 404, (name, url.name, path)
                if url.writes:
                    before = self.fingerprint(outside, url)
                    assert c.post(path, url.data(outside)).status_code == 404, (name, url.name, path)
                    assert self.fingerprint(outside, url) == before, (name, url.name)

    def test_the_root_reads_the_outside_row(self, world, rows):  # noqa: F811
        _, outside = rows
        c = client_for(world.users["root_admin"])
        for url in self.read_urls():
            if url.names_a_row():
                assert c.get(url.path(outside)).status_code == 200, url.name

    def test_a_post_the_policy_refuses_writes_nothing(self, world, rows):  # noqa: F811
        inside, _ = rows
        for url in self.write_urls():
            refused = [n for n, u in self.scoped_users(world).items()
                       if not self.permits(u, url.action, inside, url.model)]
            for name in refused:
                before = self.fingerprint(inside, url)
                r = client_for(world.users[name]).post(url.path(inside), url.data(inside))
                # A row the user reads may answer a refused write with a 403: it confirms nothing new.
                assert r.status_code in (200, 302, 403, 404), (name, url.name, r.status_code)
                assert self.fingerprint(inside, url) == before, (name, url.name)

    def holds_a_role_for(self, user, url):
        """Whether any of the user's roles appears in the policy of ``url``'s action (its own, its linked rows too)."""
        rule = access(url.model or self.model, url.action)
        return bool(set(user.grants.values_list("role", flat=True)) & rule.all_roles)

    def test_pages_show_no_write_controls_to_supervisors(self, world, rows):  # noqa: F811
        """A user none of whose roles the action's policy names sees no link or form for it."""
        inside, _ = rows
        reads = {u.name for u in self.read_urls()}
        for name, user in self.scoped_users(world).items():
            c = client_for(user)
            hidden = [u for u in self.write_urls() if u.name not in reads and not self.holds_a_role_for(user, u)]
            for page in self.read_urls():
                r = c.get(page.path(inside))
                if r.status_code != 200 or not r.get("Content-Type", "").startswith("text/html"):
                    continue
                body = r.content.decode()
                for url in hidden:
                    href = reverse(url.name, args=url.args(inside) if url.args else None)
                    assert f'href="{href}' not in body and f'action="{href}"' not in body, (name, page.name, href)

    def test_writers_get_the_form_and_their_post_writes(self, world, rows):  # noqa: F811
        inside, _ = rows
        for url in self.write_urls():
            writers = [n for n, u in self.scoped_users(world).items()
                       if self.permits(u, url.action, inside, url.model)]
            assert writers, f"the policy lets nobody in banner A {url.action} through {url.name}"
            if url.form:
                for name in writers:
                    r = client_for(world.users[name]).get(url.path(inside))
                    assert r.status_code in (200, 302), (name, url.name, r.status_code)
            # One writer's POST writes: the refused POSTs above sent data that would have written.
            before = self.fingerprint(inside, url)
            r = client_for(world.users[writers[0]]).post(url.path(inside), url.data(inside))
            assert r.status_code in (200, 302), (writers[0], url.name, r.status_code)
            assert self.fingerprint(inside, url) != before, (writers[0], url.name, r.content.decode()[:2000])
