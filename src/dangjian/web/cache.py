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


def cached_check(roots, as_of, visit_days):
    """The rule check of the subtrees of ``roots`` (None: the whole tree), once per data version.

    The check page, its export and the API ask through here, so they share one result.
    """
    from dangjian.compliance.rules import run_check

    roots = None if roots is None else list(roots)
    return cached("check", (None if roots is None else [r.pk for r in roots], as_of, visit_days),
                  lambda: run_check(as_of=as_of, scope=roots, visit_days=visit_days))
