"""Caching whole computations (a check, the dashboard's figures) until the data changes.

The data version (audit.DataVersion) is raised by every change: by ``record()``, by the
signals on every ORM save and delete of the project's records, and by the importer's
bulk writes. A cached figure keyed by it can never be stale, and no invalidation has to
be remembered anywhere.
"""

import hashlib

from django.core.cache import cache

from dangjian.audit.services import data_version


def cached(name, key, compute, timeout=6 * 3600):
    digest = hashlib.sha1(repr((data_version(), key)).encode()).hexdigest()
    full_key = f"dangjian:{name}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
