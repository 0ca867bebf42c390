"""Pick a person, an organization or a volunteer team by name or pinyin initials, never by raw code.

One server-side autocomplete per kind of record (``/autocomplete/orgs/?q=…&kind=…``,
``/autocomplete/people/?q=…``, ``/autocomplete/teams/?q=…``), always read through
``Model.objects.visible_to(user)``: a name outside the user's scope is never offered.
Matching: the name contains the term, the code starts with it, or the pinyin initials
start with it (“xnz” finds 锡尼镇, “zs” finds 张三). At most 20 results, each with its
name, its code and a short line of context (the parent organization, the current post).

The form side is :class:`PickerField` (and its three kinds): a text box that shows the
chosen name, a hidden input that submits the code (a team: its id), and a ``clean`` that
looks the value up inside the user's scope again; a small script (``web/picker.js``)
drives the list with the keyboard and on a phone. Without the script the typed text is
looked up as a code or a unique exact name.
"""

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy as _

LIMIT = 20
PICK_ACTIONS = ("view", "add", "change")


def _term(text):
    from dangjian.ui.generic import search_term

    return search_term(text or "")


def _name_q(term, code=True, initials_anywhere=False):
    initials = "name_initials__contains" if initials_anywhere else "name_initials__startswith"
    q = Q(name__contains=term) | Q(**{initials: term.lower()})
    if code:
        q |= Q(code__startswith=term)
    return q


class Source:
    """One kind of record to pick: its model, its key, its search and its line of context."""

    model_label = ""
    key = "code"
    url_name = ""

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def queryset(self, user, action="view", **filters):
        return self.model.objects.visible_to(user, action)

    def search(self, qs, term):
        return qs.filter(_name_q(term))

    def results(self, user, term, action="view", **filters):
        qs = self.queryset(user, action, **filters)
        if term:
            qs = self.search(qs, term)
        rows = list(self.order(qs, user)[:LIMIT])
        contexts = self.contexts(user, rows)
        return [{"value": str(getattr(o, self.key)), "name": o.name, "code": getattr(o, "code", ""),
                 "context": contexts.get(o.pk, "")} for o in rows]

    def order(self, qs, user):
        return qs.order_by("name", "pk")

    def contexts(self, user, rows):
        return {}

    def label(self, obj):
        return obj.name


class OrgSource(Source):
    model_label = "orgs.Organization"
    url_name = "ui:picker_orgs"

    def queryset(self, user, action="view", kind=None, **filters):
        qs = super().queryset(user, action)
        kinds = [k for k in (kind or "").split(",") if k]
        return qs.filter(kind__in=kinds) if kinds else qs

    def search(self, qs, term):
        # An organization's name starts with its place (“杭锦旗锡尼镇…党支部”): its initials are
        # matched anywhere, so “xnz” finds 锡尼镇's organizations as “锡尼镇” does.
        return qs.filter(_name_q(term, initials_anywhere=True))

    def order(self, qs, user):
        return qs.order_by("path")

    def contexts(self, user, rows):
        # The parent's name, from one query over the parents the user may see.
        from dangjian.orgs.models import OrgKind, Organization

        step = Organization.steplen
        parents = {o.path[:-step] for o in rows if len(o.path) > step}
        names = dict(Organization.objects.visible_to(user).filter(path__in=parents).values_list("path", "name"))
        kinds = dict(OrgKind.choices)
        out = {}
        for o in rows:
            kind = gettext(kinds.get(o.kind, o.kind))
            parent = names.get(o.path[:-step])
            out[o.pk] = f"{kind} · {parent}" if parent else kind
        return out


SOURCES = {"orgs": OrgSource()}  # the apps register theirs (ui.sources): people (people/pickers.py), teams (problems/pickers.py)


class _Registered:
    """A source by name, looked up when used: forms may be defined before the app that registers it is ready."""

    def __init__(self, name):
        self.name = name

    def __getattr__(self, attr):
        return getattr(source(self.name), attr)


def source(name):
    """The source registered as ``name`` (ui.sources: a dotted path, imported on first use)."""
    if name not in SOURCES:
        from django.utils.module_loading import import_string

        from .sources import registered

        SOURCES[name] = import_string(registered()[name])()
    return SOURCES[name]


@login_required
def autocomplete(request, source):
    """htmx: the options for a picker (HTML), or ``?format=json`` for scripts and tests."""
    src = globals()["source"](source)
    term = _term(request.GET.get("q"))
    filters = {"kind": request.GET.get("kind", "")} if source == "orgs" else {}
    # A picker for a write offers only the records the user may take that action on (a parent to add under).
    action = request.GET.get("action") if request.GET.get("action") in PICK_ACTIONS else "view"
    try:
        results = [] if term is None else src.results(request.user, term, action=action, **filters)
    except LookupError:  # no such action in the model's policy
        results = src.results(request.user, term, **filters)
    if request.GET.get("format") == "json":
        return JsonResponse({"results": results})
    return render(request, "ui/_picker_options.html", {"results": results, "term": term or ""})


# ------------------------------------------------------------------ the form side


class PickerWidget(forms.Widget):
    """A text box showing the chosen name and a hidden input carrying its key."""

    template_name = "ui/widgets/picker.html"
    input_type = "picker"  # web/_field.html renders the widget itself

    def __init__(self, source, attrs=None, kind="", action="view"):
        super().__init__(attrs)
        self.source = source
        self.kind = kind
        self.action = action
        self.queryset = None

    def value_from_datadict(self, data, files, name):
        # The hidden key; without the script, the typed text (looked up by code or exact name).
        return (data.get(name) or "").strip() or (data.get(f"{name}_text") or "").strip()

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        obj = value if hasattr(value, "pk") else None
        if obj is None and value not in (None, "") and self.queryset is not None:
            obj = self.source_lookup(str(value))
        key = str(getattr(obj, self.source.key)) if obj is not None else ""
        params = {k: v for k, v in (("kind", self.kind), ("action", self.action)) if v and v != "view"}
        url = reverse(self.source.url_name) + (f"?{urlencode(params)}" if params else "")
        widget = ctx["widget"]
        widget.update(key=key, label=self.source.label(obj) if obj is not None else (value or ""),
                      code=getattr(obj, "code", "") if obj is not None else "", url=url,
                      list_id=f"{widget['attrs'].get('id', name)}_list",
                      # A field with errors (Django marks it aria-invalid): the box is red, as every other box.
                      invalid=widget["attrs"].get("aria-invalid") == "true")
        return ctx

    def source_lookup(self, value):
        return _lookup(self.queryset, self.source, value)


def _lookup(queryset, source, value):
    if source.key == "pk":
        found = queryset.filter(pk=int(value)).first() if value.isdigit() else None
    else:
        found = queryset.filter(code=value).first()
    if found is None:  # the typed name, when exactly one record in scope bears it
        named = list(queryset.filter(name=value)[:2])
        found = named[0] if len(named) == 1 else None
    return found


class PickerField(forms.Field):
    """A record of ``source`` picked by name, validated inside ``queryset`` (the user's scope).

    Forms set the queryset per request: ``field.queryset = Model.objects.visible_to(user)``,
    or ``bind_pickers(form, user)`` for every picker of a form.
    """

    source_name = ""
    default_error_messages = {
        "invalid_choice": _("“%(value)s”不存在或不在您的权限范围内，请从列表中选择"),
    }

    def __init__(self, *, queryset=None, kind="", action="view", **kwargs):
        self.source = _Registered(self.source_name)
        self.kind = kind
        self.action = action
        kwargs.setdefault("widget", PickerWidget(self.source, kind=kind, action=action))
        super().__init__(**kwargs)
        self.queryset = queryset

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, qs):
        if qs is not None and self.kind:
            qs = qs.filter(kind__in=self.kind.split(","))
        self._queryset = qs
        self.widget.queryset = qs

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.queryset = result._queryset
        return result

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "pk"):
            return value
        found = _lookup(self._queryset if self._queryset is not None else self.source.model.objects.none(),
                        self.source, str(value).strip())
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return found

    def prepare_value(self, value):
        return value

    def bind(self, user):
        self.queryset = self.source.queryset(user, self.action)


class OrganizationChoiceField(PickerField):
    source_name = "orgs"


class PersonChoiceField(PickerField):
    source_name = "people"


class TeamChoiceField(PickerField):
    source_name = "teams"


def bind_pickers(form, user):
    """Scope every picker of ``form`` to what ``user`` may see (each field's ``action``)."""
    for field in form.fields.values():
        if isinstance(field, PickerField):
            field.bind(user)
    return form


# ------------------------------------------------------------------ a list's organization filter


class OrgFilterForm(forms.Form):
    org = OrganizationChoiceField(label=_("组织（含下级）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, user)


def org_filter_picker(user, org=None):
    """The visible control of a list's organization filter: a picker (``id="f-org"``) showing ``org`` by name.

    It submits ``org`` (the chosen code) and ``org_text`` (what is typed): read them back with
    :func:`filter_org`.
    """
    form = OrgFilterForm(user=user, initial={"org": org.code if org is not None else ""}, auto_id="f-%s")
    return form["org"]


def filter_org(request, name="org"):
    """The organization a list's filter names, inside the user's scope, or None.

    ``?org=CODE`` (the picker's hidden key, or a link); without a choice, the typed text
    (``org_text``) looked up as a code or a unique exact name. A code outside the scope is a
    404 (as the lists always said); typed text that names nothing is said and ignored.
    """
    from django.contrib import messages
    from django.http import Http404

    from dangjian.orgs.models import Organization

    qs = Organization.objects.visible_to(request.user)
    code = (request.GET.get(name) or "").strip()
    if code:
        found = qs.filter(code=code).first() if "\x00" not in code else None
        if found is None:
            raise Http404
        return found
    text = (request.GET.get(f"{name}_text") or "").strip()
    if not text or "\x00" in text:
        return None
    found = _lookup(qs, SOURCES["orgs"], text)
    if found is None:
        messages.warning(request, gettext("没有找到组织“%(name)s”，或它不在您的范围内；请从列表中选择") % {"name": text})
    return found
