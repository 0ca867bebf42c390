"""Writing notices: many at once (a sweep's cases), in the caller's transaction."""

from django.utils import timezone

from dangjian.workbook.bulk import insert_rows

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


def mark_read(user, ids=None):
    """Mark the user's unread notices (those of ``ids``, or all) read; returns how many."""
    qs = Notice.objects.visible_to(user, "change").filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
