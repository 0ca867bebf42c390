from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.policy import allows_at, may
from dangjian.accounts.models import Role
from dangjian.accounts.scope import Scope
from dangjian.compliance.feedback import link_feedback
from dangjian.orgs.queries import subtree_q
from dangjian.people.models import Person
from dangjian.ui.generic import ScopedListView, apply_errors
from dangjian.ui.pickers import filter_org, org_filter_picker

from . import photos as photo_files
from . import services
from .forms import ActivityForm, ChangeLinkForm, EndLinkForm, LinkForm
from .models import Activity, ActivityKind, ContactLink
from .queries import active_on


def _notes_after(link, today):
    """The rule feedback after a save, as sentences for the page.

    A link ending on or after today still counts up to its end date (CONTRACT: end ≥ D),
    so ending it "today" changes nothing today. What the end costs shows from the day
    after: the feedback is computed for that day and says so.
    """
    if link.end_date is not None and link.end_date >= today:
        since = link.end_date + timedelta(days=1)
        return [gettext("自 %(date)s 起：%(note)s") % {"date": since.isoformat(), "note": note}
                for note in link_feedback(link.person, since)]
    return link_feedback(link.person, today)


def _save_link(request, form, change, denied, done):
    """Run one link service on a valid form; on success, say so with the rule feedback and go to the person.

    ``change(cleaned_data)`` calls the service and returns the link; ``done(link)`` is the
    success message. Refusals and invalid dates become form errors.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        link = change(form.cleaned_data)
    except PermissionDenied:
        form.add_error(None, denied)
    except ValidationError as exc:
        apply_errors(form, exc)
    else:
        today = timezone.localdate()
        text = done(link)
        if link.start_date and link.start_date > today:
            text = gettext("%(done)s（自开始日期 %(start)s 起计入）") % {"done": text,
                                                                  "start": link.start_date.isoformat()}
        messages.success(request, text)
        for note in _notes_after(link, today):
            messages.warning(request, note)
        return redirect("people:person_detail", link.person.code)
    return None


def _supervisor_only(scope):
    """Whether the user's only roles are a supervisor's (督查): they read and record findings, never links or visits."""
    roles = scope.roles()
    return bool(roles) and roles <= {Role.INSPECTOR}


def link_new(request):
    """Set up a contact point or a linked branch, with the rule feedback right after."""
    scope = Scope.of(request.user)
    if not may(request.user, "add", ContactLink):
        # Supervisors, and accounts with neither an administrator's role nor a leader's own person.
        return render(request, "contacts/link_form.html", {"denied": True, "supervisor": _supervisor_only(scope)})
    initial = {"organization": request.GET.get("org", ""), "person": request.GET.get("person") or
               (scope.person.code if scope.person else "")}
    form = LinkForm(request.POST or None, scope=scope, initial=initial)
    saved = _save_link(
        request, form,
        lambda c: services.set_up_link(request.user, c["person"], c["organization"], c["kind"], c["start_date"]),
        gettext("您只能为本人建立联系点（组织部管理员可为范围内任何人建立）"),
        lambda link: gettext("已建立%(kind)s：%(org)s") % {"kind": gettext(link.get_kind_display()),
                                                          "org": link.organization.name})
    return saved or render(request, "contacts/link_form.html", {"form": form})


def link_feedback_partial(request):
    """htmx: what the rules say about a person right now, as the form is filled in."""
    scope = Scope.of(request.user)
    person = Person.objects.visible_to(request.user).filter(code=request.GET.get("person", "")).first()
    notes = link_feedback(person, timezone.localdate()) if person else []
    return render(request, "contacts/_feedback.html", {"notes": notes, "person": person})


def _visible_link(request, pk):
    """A link in the user's scope; to read its form (GET) the user must also be allowed to edit it."""
    link = get_object_or_404(ContactLink.objects.visible_to(request.user).select_related("person", "organization"),
                             pk=pk)
    if request.method != "POST" and not allows_at(request.user, "change", ContactLink, link.organization,
                                                  person=link.person):
        raise Http404
    return link


def link_change(request, pk):
    link = _visible_link(request, pk)
    form = ChangeLinkForm(request.POST or None, initial={"kind": link.kind, "start_date": link.start_date,
                                                         "end_date": link.end_date})
    saved = _save_link(
        request, form,
        lambda c: services.change_link(request.user, link, c["kind"], c["start_date"], c["end_date"]),
        gettext("您无权修改这条联系"),
        lambda link: gettext("已修改与%(org)s的联系") % {"org": link.organization.name})
    return saved or render(request, "contacts/link_end.html", {"form": form, "link": link, "change": True})


def link_end(request, pk):
    link = _visible_link(request, pk)
    form = EndLinkForm(request.POST or None, initial={"end_date": timezone.localdate()})
    saved = _save_link(
        request, form, lambda c: services.end_link(request.user, link, c["end_date"]),
        gettext("您无权结束这条联系"),
        lambda link: gettext("已结束与%(org)s的联系") % {"org": link.organization.name})
    return saved or render(request, "contacts/link_end.html", {"form": form, "link": link})


def activity_new(request):
    """Log a visit or a 专题党课 from a phone: date, kind, notes, photos."""
    scope = Scope.of(request.user)
    if _supervisor_only(scope):
        messages.error(request, gettext("督查人员查阅记录、记录督查意见，不记录到联系点开展的活动"))
        return redirect("web:home")
    person = scope.person
    if request.GET.get("person"):
        person = get_object_or_404(Person.objects.visible_to(request.user), code=request.GET["person"])
    if person is None and not may(request.user, "add", Activity):
        messages.error(request, gettext("您的账户没有对应的人员，无法记录活动"))
        return redirect("web:home")
    today = timezone.localdate()  # the quick links: only the links that hold today
    linked = (ContactLink.objects.filter(active_on(today), person=person)
              .select_related("organization").order_by("organization__name"))
    # A person with one contact point today goes there: it is filled in (the quick links offer the others).
    org = request.GET.get("org", "") or (linked[0].organization.code if len(linked) == 1 else "")
    form = ActivityForm(request.POST or None, request.FILES or None, scope=scope,
                        initial={"organization": org, "person": person})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        person = c["person"]
        try:
            services.log_activity(request.user, person, c["organization"], c["date"], c["kind"], c["content"],
                                  c["photos"])
        except PermissionDenied:
            form.add_error(None, gettext("您无权为该人员在该组织记录活动"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("已记录活动：%(org)s %(date)s") % {"org": c["organization"].name,
                                                                              "date": c["date"]})
            return redirect("people:person_detail", person.code)
    return render(request, "contacts/activity_form.html", {"form": form, "person": person, "linked": linked,
                                                           "own": person == scope.person})


class ActivityList(ScopedListView):
    """Activities in scope, filtered by organization (its subtree), kind, month or dates, and person."""

    model = Activity
    template_name = "contacts/activity_list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("person", "organization").order_by("-date", "-id")
        p = self.request.GET
        self.within = filter_org(self.request)
        if self.within is not None:
            qs = qs.filter(subtree_q(self.within.path, "organization__path"))
        if p.get("kind") in ActivityKind.values:
            qs = qs.filter(kind=p["kind"])
        if p.get("month"):
            try:
                year, month = (int(x) for x in p["month"].split("-"))
                qs = qs.filter(date__year=year, date__month=month)
            except ValueError:
                pass
        for key, lookup in (("from", "date__gte"), ("to", "date__lte")):
            try:
                qs = qs.filter(**{lookup: date.fromisoformat(p[key])}) if p.get(key) else qs
            except ValueError:
                pass
        if p.get("person"):
            qs = qs.filter(person__code=p["person"])
        name = p.get("name", "").strip()
        if name and "\x00" not in name:
            qs = qs.filter(person__name__contains=name)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The organization filter: any organization in scope (its subtree), picked by name.
        ctx.update(within=self.within, kinds=ActivityKind.choices, params=self.request.GET,
                   org_picker=org_filter_picker(self.request.user, self.within))
        return ctx


def activity_photo(request, pk):
    """One activity photo, to those who may see the activity (its organization or its person is in scope).

    Photos are never served from MEDIA_URL: the media folder also holds uploads that are
    not for everyone, so every file goes through the scope like every record does.
    The content type comes from the file's bytes (contacts.photos), never from its name:
    a photo is shown inline as the image it is; anything else is only ever a download.
    """
    from .models import ActivityPhoto

    # Whoever may see the activity (its organization in scope, or their own), nobody else:
    # photo ids are sequential, so seeing the activity's person must not be enough.
    photo = get_object_or_404(ActivityPhoto.objects.visible_to(request.user).select_related("activity"), pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404
    kind = photo_files.UPLOADS.sniff_file(handle)
    services.photo_downloaded(request.user, photo)
    if kind is None:
        response = FileResponse(handle, as_attachment=True, filename=f"photo-{photo.pk}.bin",
                                content_type="application/octet-stream")
    else:
        response = FileResponse(handle, filename=f"photo-{photo.pk}{kind.extension}", content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
