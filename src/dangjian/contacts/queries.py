"""Reads about links and visits shared by the pages (the person's page, the branch's home page)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery

from dangjian.records.tenure import active_q

from .models import Activity


active_on = active_q  # the kit's dated tenure (records.tenure): rows active on a day


def with_last_visit(links, as_of):
    """``links`` annotated with ``last_visit``: the person's latest activity at the organization, up to ``as_of``.

    One correlated subquery in the same SELECT: no query per link.
    """
    last = (Activity.objects.filter(person=OuterRef("person"), organization=OuterRef("organization"), date__lte=as_of)
            .order_by().values("person").annotate(m=Max("date")).values("m"))
    return links.annotate(last_visit=Subquery(last[:1]))


def visit_due(link, as_of, visit_days=None):
    """The day by which ``link`` needs its next visit, and whether that day has passed (CONTRACT §3, rule 5).

    The rule counts a link as visited on ``as_of`` when an activity falls in the ``visit_days``
    days ending that day, and a link that starts later counts from its start date; so the next
    visit is due ``visit_days`` days after the later of the last visit and the start. A link
    with neither is due now. ``link.last_visit`` comes from :func:`with_last_visit`.
    """
    days = settings.DANGJIAN_VISIT_DAYS if visit_days is None else visit_days
    since = max([d for d in (link.last_visit, link.start_date) if d is not None], default=None)
    due = since + timedelta(days=days) if since else as_of
    return due, (since is None or due < as_of)


def annotate_due(links, as_of, visit_days=None):
    """Set ``next_due`` and ``overdue`` on each link of an evaluated, :func:`with_last_visit` list."""
    for link in links:
        link.next_due, link.overdue = visit_due(link, as_of, visit_days)
        if link.end_date is not None and link.end_date < as_of:
            link.next_due, link.overdue = None, False  # an ended link owes no visit
    return links
