"""Contacts' panels: who links an organization and what they did there; a person's links and visits."""

from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.policy import allows_at
from dangjian.accounts.scope import Scope
from dangjian.orgs.queries import subtree_q
from dangjian.ui.panels import Panel, register

from .models import Activity, ContactLink
from .queries import annotate_due, with_last_visit

LATEST = 10


def _below(org):
    """A committee's or general branch's page answers for everything below it; a branch's for itself."""
    return subtree_q(org.path, "organization__path") if not org.is_branch else Q(organization=org)


def _org_actions(request, org):
    user, me = request.user, Scope.of(request.user).person
    can_log = allows_at(user, "add", Activity, org, person=me)
    can_link = can_log or allows_at(user, "add", ContactLink, org)
    return {"can_log": can_log, "can_link": can_link} if can_log or can_link else None


def _org_links(request, org):
    return {"links": ContactLink.objects.filter(organization=org).select_related("person").order_by("-start_date")}


def _org_activities(request, org):
    activities = Activity.objects.visible_to(request.user).filter(_below(org))
    return {"subtree": not org.is_branch, "activity_count": activities.count(),
            "activities": activities.select_related("person", "organization").order_by("-date", "-id")[:LATEST]}


def may_link_for(user, person):
    """Whether ``user`` may set up links for ``person`` somewhere: the department for anyone, a leader for themselves."""
    from dangjian.accounts.policy import ADMIN, may

    scope = Scope.of(user)
    if scope.is_global or scope.paths(ADMIN):
        return True
    return scope.person is not None and person.pk == scope.person.pk and may(user, "add", ContactLink)


def _person_actions(request, person):
    return {} if may_link_for(request.user, person) else None


def _person_links(request, person):
    user, today = request.user, timezone.localdate()
    links = ContactLink.objects.visible_to(user).filter(person=person)
    links = annotate_due(list(with_last_visit(links, today).select_related("organization").order_by("-start_date")),
                         today)
    for link in links:
        link.can_edit = allows_at(user, "change", ContactLink, link.organization, person=person)
    return {"links": links, "today": today, "audit_related": links}


def _person_visits(request, person):
    activities = list(Activity.objects.visible_to(request.user).filter(person=person).select_related("organization")
                      .prefetch_related("photos").order_by("-date", "-id")[:100])
    return {"activities": activities, "audit_related": activities}


register("orgs.organization", Panel("contacts-actions", "contacts/panels/org_actions.html", _org_actions,
                                    slot="actions", order=10))
register("orgs.organization", Panel("links", "contacts/panels/org_links.html", _org_links, slot="left", order=20))
register("orgs.organization", Panel("activities", "contacts/panels/org_activities.html", _org_activities,
                                    slot="right", order=10))
register("people.person", Panel("contacts-actions", "contacts/panels/person_actions.html", _person_actions,
                                slot="actions", order=10))
register("people.person", Panel("links", "contacts/panels/person_links.html", _person_links, slot="left", order=20))
register("people.person", Panel("visits", "contacts/panels/person_visits.html", _person_visits, slot="right",
                                order=10))
