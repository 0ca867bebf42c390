"""Caching whole computations (a check, the dashboard's figures) until the data changes.

Every change writes an audit event in its own transaction (services, imports, the
demo), so the newest audit event's id is a version of the data: a cached figure keyed
by it can never be stale, and no invalidation has to be remembered anywhere.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Max

from dangjian.audit.models import AuditEvent


def data_version():
    return AuditEvent.objects.aggregate(v=Max("id"))["v"] or 0


def cached(name, key, compute, timeout=6 * 3600):
    digest = hashlib.sha1(repr((data_version(), key)).encode()).hexdigest()
    full_key = f"dangjian:{name}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value


def cached_check(root, as_of, visit_days):
    """The rule check of ``root``'s subtree (None: the whole tree), once per data version.

    The check page, its export and the API ask through here, so they share one result.
    """
    from dangjian.compliance.rules import run_check

    return cached("check", (root.pk if root else None, as_of, visit_days),
                  lambda: run_check(as_of=as_of, scope=root, visit_days=visit_days))
