from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import Organization
from dangjian.people.models import Person
from dangjian.ui.generic import error_text
from dangjian.ui.pickers import OrganizationChoiceField, PersonChoiceField
from dangjian.ui.labels import translated_choices

from . import photos as photo_files
from .models import ActivityKind, LinkKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class LinkForm(forms.Form):
    person = PersonChoiceField(label=_("人员"))
    organization = OrganizationChoiceField(label=_("联系的组织"))
    kind = forms.ChoiceField(label=_("联系类型"), choices=translated_choices(LinkKind.choices))
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(scope.user)
        self.fields["organization"].queryset = Organization.objects.visible_to(scope.user)
        self.fields["start_date"].initial = timezone.localdate()


class ChangeLinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("联系类型"), choices=translated_choices(LinkKind.choices))
    start_date = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())


class EndLinkForm(forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())


class ActivityForm(forms.Form):
    person = PersonChoiceField(label=_("人员"))
    organization = OrganizationChoiceField(label=_("活动的组织"))
    date = forms.DateField(label=_("活动日期"), widget=DateInput())
    kind = forms.ChoiceField(label=_("活动类型"), choices=translated_choices(ActivityKind.choices))
    content = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageField(label=_("照片"), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(scope.user)
        self.fields["organization"].queryset = Organization.objects.visible_to(scope.user)
        self.fields["date"].initial = timezone.localdate()

    def clean_photos(self):
        """Photos are what their bytes say (contacts.photos), whatever the browser claims.

        The dates and the content are checked by the service (contacts.services.log_activity),
        for the API as for this form; the photos are checked here too, to name the bad files
        before anything else is looked at.
        """
        photos = self.cleaned_data.get("photos") or []
        try:
            photo_files.UPLOADS.validate(photos)
        except forms.ValidationError as exc:
            raise forms.ValidationError([error_text(e) for e in exc.error_list])
        return photos
