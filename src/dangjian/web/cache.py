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
