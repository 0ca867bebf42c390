"""Account changes, audited: issuing API tokens (more — passwords, grants — join here)."""

from django.db import transaction

from dangjian.audit.services import record

from .models import ApiToken


@transaction.atomic
def issue_token(user, name="", *, by=None, label="命令行"):
    """A new API token for ``user``; its raw value exists only on the returned object (shown once)."""
    token = ApiToken.issue(user, name)
    record("api token issued", actor=by, obj=user, label="" if by else label, after={"name": name})
    return token
