from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from dangjian.contacts.forms import CodeChoiceField, DateInput
from dangjian.orgs.models import Organization

from .models import VolunteerTeam

class ProblemForm(forms.Form):
    organization = CodeChoiceField(label=_("组织编码"), queryset=Organization.objects.none())
    category = forms.CharField(label=_("问题类别"), max_length=100,
                               widget=forms.TextInput(attrs={"list": "categories", "autocomplete": "off"}))
    description = forms.CharField(label=_("问题描述"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    found_on = forms.DateField(label=_("发现日期"), widget=DateInput())
    team = forms.CharField(label=_("服务队"), required=False,
                           widget=forms.TextInput(attrs={"list": "teams", "autocomplete": "off"}))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # Where the user may log problems is the service's to say (problems/policy.py); any organization
        # in scope can be named here.
        self.fields["organization"].queryset = Organization.objects.visible_to(scope.user)
        self.fields["found_on"].initial = timezone.localdate()

    def clean_team(self):
        name = (self.cleaned_data.get("team") or "").strip()
        if not name:
            return None
        # A team of the user's scope, or one no organization claims (teams named in an import).
        team = (VolunteerTeam.objects.visible_to(self.scope.user)
                | VolunteerTeam.objects.filter(organization__isnull=True)).filter(name=name).first()
        if team is None:
            raise forms.ValidationError(gettext("服务队“%(name)s”不存在") % {"name": name})
        return team


class TakeUpForm(forms.Form):
    pass


class CompleteForm(forms.Form):
    """办结: the workflow checks what is required (the same messages as the API's)."""

    completed_on = forms.DateField(label=_("办结日期"), required=False, widget=DateInput())
    completion_note = forms.CharField(label=_("办结说明"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}))
    confirm = forms.BooleanField(label=_("确认该问题已办结"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新办理的理由"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))


TRANSITION_FORMS = {"take_up": TakeUpForm, "complete": CompleteForm, "reopen": ReopenForm}
