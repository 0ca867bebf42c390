"""Scoped reads over the organization tree.

A subtree is every organization whose ``path`` starts with the root's path. On
PostgreSQL ``LIKE 'prefix%'`` is answered from the ``varchar_pattern_ops`` index
Django creates beside the unique index on ``path``; SQLite's ``LIKE`` is
case-insensitive and never uses an index, so there the subtree is the half-open
range ``[prefix, prefix + '~')`` (paths use ``0-9A-Z``; ``~`` sorts after them).
"""

from django.db import connection
from django.db.models import Q

from .models import Organization

PATH_UPPER = "~"


def subtree_q(path, field="path"):
    """A Q for the subtree rooted at ``path`` (the root itself included)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": path})
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_UPPER})


def subtree_sql(alias, path):
    """(SQL, params) restricting ``alias.path`` to the subtree of ``path``; ("1=1", []) for the whole tree."""
    if path is None:
        return "1=1", []
    if connection.vendor == "postgresql":
        return f"{alias}.path LIKE %s", [path + "%"]
    return f"({alias}.path >= %s AND {alias}.path < %s)", [path, path + PATH_UPPER]


def subtree(org):
    return Organization.objects.filter(subtree_q(org.path))


def tier_on(as_of):
    """A subquery giving an organization's tier on ``as_of`` (None: unrated).

    The entry with the latest date ≤ as_of wins; a blank date counts as the earliest.
    """
    from django.db.models import F, OuterRef, Subquery

    from .models import TierRating

    return Subquery(
        TierRating.objects.filter(organization=OuterRef("pk"))
        .filter(Q(rated_on__lte=as_of) | Q(rated_on__isnull=True))
        .order_by(F("rated_on").desc(nulls_last=True))
        .values("tier")[:1]
    )


def subtrees_of(paths, field="path"):
    """A Q for the subtrees of ``paths`` (one path or several); Q() for None (the whole tree)."""
    if paths is None:
        return Q()
    if isinstance(paths, str):
        paths = [paths]
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, field)
    return q


def branches_in(path=None, queryset=None):
    """The branches of one subtree (a path), of several (a list of paths), or of the whole tree (None)."""
    from .models import OrgKind

    qs = queryset if queryset is not None else Organization.objects.all()
    qs = qs.filter(kind=OrgKind.BRANCH)
    return qs.filter(subtrees_of(path)) if path else qs


def tier_distribution(path, as_of):
    """{tier or None: count} for the branches of a subtree on a day."""
    from django.db.models import Count

    rows = branches_in(path).annotate(t=tier_on(as_of)).values("t").annotate(n=Count("id")).order_by()
    return {r["t"]: r["n"] for r in rows}


def tier_transitions(path, start, end):
    """[(tier on start, tier on end, count)] for the branches of a subtree."""
    from django.db.models import Count

    rows = (branches_in(path).annotate(a=tier_on(start), b=tier_on(end))
            .values("a", "b").annotate(n=Count("id")).order_by())
    return [(r["a"], r["b"], r["n"]) for r in rows]
