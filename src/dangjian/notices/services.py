"""Writing notices: many at once (a sweep's cases), in the caller's transaction."""

from django.db import connection
from django.utils import timezone

from dangjian.workbook.bulk import among, insert_rows, update_rows

from .models import Notice


def notify(notices):
    """Write ``notices``: (person id, organization id or None, kind, message, params, url) tuples.

    ``message`` is a msgid marked with ``gettext_noop`` (``"%(org)s 收到一条督查意见"``) and
    ``params`` its values: the reader sees it in their own language. ``url``: a path, or a URL's
    name and argument (``"accountability:case_detail 42"``), reversed when the notice is shown.
    Returns how many.
    """
    rows = [(p, o, kind, message, params or {}, url)
            for p, o, kind, message, params, url in notices if p is not None]
    insert_rows(Notice, ["person_id", "organization_id", "kind", "text", "params", "url"], rows)
    return len(rows)


def restate(kind, message, url, current, told):
    """Keep one unread notice of ``kind`` per person, saying what holds now (a sweep's "cases to handle").

    ``current``: {person id: params} for everyone such a notice concerns now; ``told``: those of
    them to tell anew. Each person in ``told`` gets a new notice (``message``, ``url``), their
    earlier unread ones of ``kind`` gone; the others' unread one takes its new params; one left
    to a person not in ``current`` goes. Read notices stay as they were. Three statements
    whatever the number of people (workbook.bulk.update_rows), in the caller's transaction. Returns how many notices were written.
    """
    kept = [person for person in current if person not in told]
    # Gone: the unread ones of those told anew, and of those it no longer concerns (the kept as one
    # parameter however many they are).
    table = Notice._meta.db_table
    kept_q = among(f"{table}.person_id", kept)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE kind = %s AND read_at IS NULL AND NOT ({kept_q.sql})",
                       [kind, *kept_q.params])
    update_rows(Notice, ["params"], {person: (current[person],) for person in kept}, key="person_id",
                where="kind = %s AND read_at IS NULL", where_params=[kind])
    return notify([(person, None, kind, message, current[person], url) for person in sorted(told)])


def mark_read(user, ids=None):
    """Mark the user's unread notices (those of ``ids``, or all) read; returns how many."""
    qs = Notice.objects.visible_to(user, "change").filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
