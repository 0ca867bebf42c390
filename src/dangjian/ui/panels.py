"""What other apps show on a record's page: each app adds its own panels, the page's app imports none of them.

The organization page is the organization app's, but its team is people's, its links and
visits are contacts', its ledger is problems', its findings are compliance's (and the
accountability cases to come will be accountability's). Each of those apps registers a
panel for the page, in its ``panels.py``; the page renders every panel registered for its
model, in order, within its slots. A new part of the system plugs in the same way.

A panel's ``context(request, obj)`` returns the panel's context, or None to show nothing
(a panel the user may not see, a card that does not apply to this record). It may also
return ``audit_related``: records whose audit events belong in the page's 修改记录.
"""

from dataclasses import dataclass
from typing import Callable

SLOTS = ("actions", "top", "left", "right")


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable
    slot: str = "left"
    order: int = 100


_PANELS = {}


def register(model, panel):
    """Add ``panel`` to the pages of ``model`` (a model class or its label, ``"orgs.organization"``)."""
    label = model if isinstance(model, str) else model._meta.label_lower
    if panel.slot not in SLOTS:
        raise ValueError(f"panel slot “{panel.slot}” is none of {SLOTS}")
    panels = [p for p in _PANELS.get(label, []) if p.name != panel.name]  # registering again replaces
    _PANELS[label] = sorted([*panels, panel], key=lambda p: (p.order, p.name))


def registered(model):
    label = model if isinstance(model, str) else model._meta.label_lower
    return list(_PANELS.get(label, []))


def render(request, obj, base_context=None):
    """{slot: [html, …]} and the records the panels name for the audit, for one record's page."""
    from django.template.loader import render_to_string

    html = {slot: [] for slot in SLOTS}
    related = []
    for panel in registered(type(obj)):
        ctx = panel.context(request, obj)
        if ctx is None:
            continue
        related += list(ctx.pop("audit_related", ()))
        html[panel.slot].append(render_to_string(panel.template, {**(base_context or {}), "object": obj, **ctx},
                                                 request=request))
    return html, related
