"""Serializing writers that read before they write (a running number: "the last one plus one").

Under PostgreSQL's READ COMMITTED two transactions read the same last number, and one of
them fails on the unique index; SQLite's writers already queue (BEGIN IMMEDIATE, see
settings). ``serialize(key)`` takes a transaction-scoped advisory lock on PostgreSQL, so
the second writer waits for the first to commit and then reads its number: nobody is
refused, nobody retries. The lock is released with the transaction.
"""

import hashlib

from django.db import connection


def serialize(key):
    """Hold, until the current transaction ends, the lock named ``key`` (call inside ``atomic``)."""
    if connection.vendor != "postgresql":
        return
    # pg_advisory_xact_lock takes a bigint: the first 8 bytes of the key's digest, signed.
    number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
