from django import template

from dangjian.audit import display

register = template.Library()


@register.filter
def action_text(event):
    return display.action_text(event.action)


@register.filter
def changes(event):
    return display.changes(event)


@register.filter
def actor_name(event):
    """The person behind the account where there is one, else the account's name."""
    actor = event.actor
    if actor is not None:
        profile = getattr(actor, "profile", None)
        person = getattr(profile, "person", None) if profile else None
        if person is not None:
            return f"{person.name}（{actor.get_username()}）"
        return actor.get_full_name() or actor.get_username()
    return event.actor_label
