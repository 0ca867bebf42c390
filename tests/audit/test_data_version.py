"""The cache's data version does not depend on every write auditing: any change of a record raises it."""

import pytest
from django.db import transaction

from dangjian.audit.models import AuditEvent
from dangjian.audit.services import data_version
from dangjian.orgs.models import Organization
from dangjian.imports.services import Importer


def test_a_plain_save_without_an_audit_event_raises_the_version(tree):
    tree.org("A", kind="党委")
    before, events = data_version(), AuditEvent.objects.count()
    org = Organization.objects.get(code="A")
    org.name = "改名（未经服务，未记审计）"
    org.save()
    assert AuditEvent.objects.count() == events  # nothing audited …
    assert data_version() > before  # … and still every cached figure is stale


def test_a_rolled_back_change_raises_nothing(tree):
    tree.org("A", kind="党委")
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.filter(code="A").update(name="x")
        tree.org("B", kind="党委")
        raise RuntimeError
    assert data_version() == before


def test_an_import_raises_the_version(db, tmp_path):
    from tests.workbooks import base, write_csv

    before = data_version()
    assert Importer(write_csv(tmp_path / "book", base())).run().ok
    assert data_version() > before
