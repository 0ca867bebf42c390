"""Tokens issued before the digest migration keep working after it, and only their digest stays."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_keep_working():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    old = executor.loader.project_state([("accounts", "0001_initial")]).apps
    user = old.get_model("auth", "User").objects.create(username="script", password="!")
    old.get_model("accounts", "ApiToken").objects.create(user_id=user.pk, key="issued-before-1234", name="")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from dangjian.accounts.models import ApiToken

    assert ApiToken.user_for("issued-before-1234").username == "script"
    assert ApiToken.objects.get().digest == hashlib.sha256(b"issued-before-1234").hexdigest()
