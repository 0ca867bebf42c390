"""The rule check, cached until the data changes (audit.cache): the check page, its export and the API share it."""

from dangjian.audit.cache import cached

from . import rules


def cached_check(roots, as_of, visit_days):
    """The rule check of the subtrees of ``roots`` (None: the whole tree), once per data version.

    The check page, its export and the API ask through here, so they share one result.
    """
    roots = None if roots is None else list(roots)
    return cached("check", (None if roots is None else [r.pk for r in roots], as_of, visit_days),
                  lambda: rules.run_check(as_of=as_of, scope=roots, visit_days=visit_days))
