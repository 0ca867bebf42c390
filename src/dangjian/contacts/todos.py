"""Contacts' to-dos: the user's own links whose next visit falls due within the coming days."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy as _

from dangjian.ui.todos import SOON_DAYS, Source, Todo, register

from .models import ContactLink
from .queries import active_on, annotate_due, with_last_visit


def _visits_due(user, person, today):
    """A link overdue already is a violation of the check (its own section); this is the one coming up."""
    if person is None:
        return []
    links = ContactLink.objects.visible_to(user).filter(person=person).filter(active_on(today))
    links = annotate_due(list(with_last_visit(links, today).select_related("organization")), today)
    items = []
    for link in links:
        if link.next_due is None or link.overdue or link.next_due > today + timedelta(days=SOON_DAYS):
            continue
        items.append(Todo(
            title=gettext("走访%(org)s") % {"org": link.organization.name},
            url=reverse("contacts:activity_add") + f"?org={link.organization.code}",
            due=link.next_due,
            detail=gettext("%(kind)s，上次走访 %(last)s") % {
                "kind": link.get_kind_display(),
                "last": link.last_visit.isoformat() if link.last_visit else gettext("无")},
        ))
    return items


register(Source("visits-due", _("即将到期的走访"), _visits_due, order=30,
                hint=_("这些联系点或联系支部的走访将在 14 天内到期，到期前去走访一次即可。")))
