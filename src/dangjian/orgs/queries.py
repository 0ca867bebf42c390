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
