"""A small generic view layer: every list and detail view reads through the user's scope.

A view declares its ``model`` (and, where the organization is not ``organization``,
its ``scope_field``); the queryset it sees is already restricted, so an object
outside the user's scope is a 404 like any object that does not exist.
"""

import unicodedata
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from dangjian.accounts.policy import allows_at
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
    from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

    from dangjian.audit import registry
    from dangjian.audit.models import AuditEvent, AuditObject

    direct = Q(pk__in=[])
    touched = Q(pk__in=[])
    for o in ([obj] if obj is not None else []) + list(related):
        direct |= Q(object_type=o._meta.label_lower, object_id=str(o.pk))
        touched |= Q(object_type=o._meta.label_lower, object_id=str(o.pk))
    if organization is not None:
        direct |= Q(organization=organization)
    q = direct
    if obj is not None:
        q |= Exists(AuditObject.objects.filter(touched, event=OuterRef("pk")))
    # An event about another record that only touched this one (a sweep and its cases, an import and its
    # organizations) shows its summary here, not its own record's changes (audit.display.changes).
    events = AuditEvent.objects.filter(q).annotate(
        touched_only=ExpressionWrapper(~direct, output_field=BooleanField()))
    if viewer is not None:
        events = events.filter(Q(pk__in=AuditEvent.objects.visible_to(viewer).values("pk"))
                               | Q(organization__isnull=True))
    return registry.name_codes(events.select_related("actor", "actor__profile__person")[:limit])


# ------------------------------------------------------------------ writes: NetBox's ObjectEditView, small


class ScopedForm(forms.Form):
    """A form for one user: its pickers read through the user's scope (web.pickers)."""

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        super().__init__(*args, **kwargs)
        from .pickers import bind_pickers

        bind_pickers(self, user)


class ObjectFormView(ScopedMixin, View):
    """One write through one service, declared by a few class attributes.

    - ``model``, ``action``: the row named by the URL (``code`` or ``pk``) is looked up in
      ``model.objects.visible_to(user, action)``: outside it, a 404 (a supervisor's POST
      writes nothing, their GET shows no form);
    - ``form_class`` (a :class:`ScopedForm`), ``template_name``;
    - ``service(self, obj, cleaned_data)`` (a method): writes inside its transaction and calls
      ``ensure`` (a PermissionDenied becomes the form's error, the transaction rolled back);
    - ``success_message`` (``%(name)s`` …, from :meth:`message_params`) and
      :meth:`get_success_url` (by default the written row's ``get_absolute_url``).

    A create view names its context (the parent organization) the same way, with
    ``action = "view"`` for the lookup and ``add_model`` for the first check
    (``allows_at(user, "add", add_model, obj)``).
    """

    model = None
    action = "change"
    add_model = None
    lookup = "code"
    form_class = None
    template_name = None
    service = None
    success_message = ""
    denied_message = gettext_lazy("您无权执行此操作")
    title = ""

    def get_object(self):
        if self.model is None:
            return None
        qs = self.model.objects.visible_to(self.request.user, self.action)
        return get_object_or_404(qs, **{self.lookup: self.kwargs[self.lookup]})

    def check_allowed(self, obj):
        if self.add_model is not None and not allows_at(self.request.user, "add", self.add_model, obj):
            raise Http404

    def get_initial(self):
        return {}

    def get_form(self):
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return self.form_class(*data, user=self.request.user, instance=self.object, initial=self.get_initial())

    def get_context_data(self, **kwargs):
        return {"object": self.object, "title": self.title, "view": self, "cancel_url": self.get_cancel_url(),
                **kwargs}

    def get_cancel_url(self):
        return self.get_success_url(self.object) if self.object is not None else reverse("web:home")

    def message_params(self, written):
        return {"name": getattr(written, "name", str(written))}

    def get_success_url(self, written):
        return written.get_absolute_url()

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.check_allowed(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                written = self.service(self.object, form.cleaned_data)
            except PermissionDenied:
                form.add_error(None, str(self.denied_message))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if self.success_message:
                    messages.success(request, gettext(self.success_message) % self.message_params(written))
                return redirect(self.get_success_url(written))
        return render(request, self.template_name, self.get_context_data(form=form), status=200)


class FilteredListView(ScopedListView):
    """A list with a filter form (``filter_form``, a :class:`ScopedForm` over GET), its count and a pager.

    ``filter_queryset(qs, cleaned_data)`` applies the filters; an invalid filter (an
    organization outside the scope) shows the form's error and an empty list.
    """

    filter_form = None

    def get_queryset(self):
        qs = super().get_queryset()
        self.filters = self.filter_form(self.request.GET or None, user=self.request.user)
        if not self.request.GET:
            return self.filter_queryset(qs, {})
        if not self.filters.is_valid():
            return qs.none()
        return self.filter_queryset(qs, self.filters.cleaned_data)

    def filter_queryset(self, qs, cleaned):
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filters"] = self.filters
        ctx["count"] = ctx["paginator"].count if ctx.get("paginator") else len(ctx["object_list"])
        return ctx


def search_term(text):
    """The search box's text, trimmed; "" when blank (no search), None when it holds control characters.

    No name or code holds a NUL or another control character, so such a term matches nothing
    (and never reaches the database: PostgreSQL refuses NUL in a string).
    """
    term = text.strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in term):
        return None
    return term
