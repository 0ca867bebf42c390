import os
import secrets

import pytest
from django.conf import settings as django_settings

from tests.builders import Tree

# A data key generated for this test run (records.sealed): the processes the tests start inherit it.
os.environ["DANGJIAN_DATA_KEY"] = os.environ.get("DANGJIAN_TEST_DATA_KEY") or secrets.token_hex(16)
django_settings.DANGJIAN_DATA_KEY = os.environ["DANGJIAN_DATA_KEY"]


@pytest.fixture
def tree(db):
    """A builder for small organization trees with people, posts, links and visits."""
    return Tree()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background jobs run inside the request that enqueues them (one test runs the real worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _no_cache_between_tests(settings):
    """Tests build data behind the services' back; cached figures must not leak between them."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


FROZEN_AT = "2026-11-26 10:00:00+08:00"  # a Thursday late in the world's year: the fixtures' dates are 2026's


@pytest.fixture
def frozen_today():
    """The clock stands still at :data:`FROZEN_AT` ("today" is 2026-11-26 wherever the machine is)."""
    import time_machine

    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller
