"""A small generic view layer: every list and detail view reads through the user's scope.

A view declares its ``model`` (and, where the organization is not ``organization``,
its ``scope_field``); the queryset it sees is already restricted, so an object
outside the user's scope is a 404 like any object that does not exist.
"""

from django.utils.translation import gettext
from django.views.generic import DetailView, ListView

from dangjian.accounts.scope import Scope


class ScopedMixin:
    """Reads through ``visible_to(user, action)``: the model's own policy says what is in scope."""

    action = "view"

    @property
    def scope(self):
        return Scope.of(self.request.user)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user, self.action)


class ScopedListView(ScopedMixin, ListView):
    paginate_by = 50


class ScopedDetailView(ScopedMixin, DetailView):
    slug_field = "code"
    slug_url_kwarg = "code"


def error_text(error):
    """One ValidationError of a service in the page's language.

    The services' messages are Chinese msgids (the API returns them as they are): the
    message is translated here, then given its parameters.
    """
    text = gettext(error.message)
    return text % error.params if error.params else text


def apply_errors(form, exc):
    """A service's ValidationError on ``form``, field by field, in the page's language."""
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, errors in by_field.items():
        form.add_error(field if field in form.fields else None, [error_text(e) for e in errors])


def audit_for(obj=None, organization=None, related=(), limit=50, viewer=None):
    """Audit events on ``obj``, on anything at ``organization``, and on ``related`` objects.

    Events that name a record among the further records they concern (an import and each
    organization it created or changed: audit.AuditObject) count as events on it.
    ``viewer``: a user; events recorded at an organization outside their scope are left out.
    """
    from django.db.models import Exists, OuterRef, Q

    from dangjian.audit.models import AuditEvent, AuditObject

    q = Q(pk__in=[])
    touched = Q(pk__in=[])
    for o in ([obj] if obj is not None else []) + list(related):
        q |= Q(object_type=o._meta.label_lower, object_id=str(o.pk))
        touched |= Q(object_type=o._meta.label_lower, object_id=str(o.pk))
    if obj is not None:
        q |= Exists(AuditObject.objects.filter(touched, event=OuterRef("pk")))
    if organization is not None:
        q |= Q(organization=organization)
    events = AuditEvent.objects.filter(q)
    if viewer is not None:
        events = events.filter(Q(pk__in=AuditEvent.objects.visible_to(viewer).values("pk"))
                               | Q(organization__isnull=True))
    return events.select_related("actor", "actor__profile__person")[:limit]
