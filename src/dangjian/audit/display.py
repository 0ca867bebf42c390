"""The audit trail as people read it: the action's name, the changed fields, values in words.

Events store codes (``contact link ended``, ``{"kind": "contact_point"}``) so that they
stay exact and searchable; the pages show them through here, in the page's language,
with the names each app registered (audit.registry).
"""

from django.utils.translation import gettext, gettext_lazy as _

from . import registry

SHEET_COUNTS = _("%(sheet)s 新增 %(new)s、更新 %(updated)s")


def value_text(field, value, names=None):
    if value is None or value == "":
        return "—"
    name = (names or {}).get(field, {}).get(value) if isinstance(value, str) else None
    if name:  # a person's or an organization's code, by its name (and the code, which is exact)
        return f"{name} {value}"
    if field == "counts" and isinstance(value, dict):
        parts = [SHEET_COUNTS % {"sheet": sheet, "new": c.get("new", 0), "updated": c.get("updated", 0)}
                 for sheet, c in value.items() if c.get("new") or c.get("updated")]
        return "；".join(parts) or "—"
    if isinstance(value, (str, int)) and (label := registry.value_label(field, value)) is not None:
        return gettext(label)
    return str(value)


def action_text(action):
    label = registry.action_label(action)
    return str(label) if label else action


def field_text(field):
    label = registry.field_label(field)
    return str(label) if label else field


def changes(event):
    """[(field label, before text, after text, changed)] in a stable order.

    An event seen from a record it only touched (``event.touched_only``, set by
    ``ui.generic.audit_for``) shows the fields its action registered as its summary.
    """
    before, after = event.before or {}, event.after or {}
    if getattr(event, "touched_only", False):
        keep = registry.summary_fields(event.action)
        before = {k: v for k, v in before.items() if k in keep} if isinstance(before, dict) else {}
        after = {k: v for k, v in after.items() if k in keep} if isinstance(after, dict) else {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [(gettext("内容"), value_text("", before), value_text("", after), before != after)]
    names = getattr(event, "names", None)  # set for a page's events at once (ui.generic.audit_for)
    rows = []
    for field in list(dict.fromkeys([*after, *before])):
        b, a = before.get(field), after.get(field)
        changed = field in before and b != a
        # A change shows what changed (and what only the step recorded, a reason); the record's page says the rest.
        if before and after and not changed and field in before:
            continue
        rows.append((field_text(field), value_text(field, b, names) if field in before else "",
                     value_text(field, a, names) if field in after else "", changed))
    return rows
