from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import Organization
from dangjian.people.models import Person
from dangjian.ui.forms import DateInput, MultipleFileField
from dangjian.ui.pickers import OrganizationChoiceField, PersonChoiceField
from dangjian.ui.labels import translated_choices

from . import photos as photo_files
from .models import ActivityKind, LinkKind


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
    # Photos are what their bytes say (contacts.photos), whatever the browser claims. The dates and
    # the content are checked by the service (contacts.services.log_activity), for the API as for
    # this form; the photos are checked here too, to name the bad files before anything else.
    # No ``capture``: a phone offers its camera and its album both (the photo may be taken before).
    photos = MultipleFileField(label=_("照片"), required=False, uploads=photo_files.UPLOADS, accept="image/*")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(scope.user)
        self.fields["organization"].queryset = Organization.objects.visible_to(scope.user)
        self.fields["date"].initial = timezone.localdate()
