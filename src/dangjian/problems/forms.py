from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.ui.forms import DateInput
from dangjian.ui.pickers import OrganizationChoiceField, TeamChoiceField, bind_pickers


class ProblemForm(forms.Form):
    organization = OrganizationChoiceField(label=_("发现问题的组织"))
    category = forms.CharField(label=_("问题类别"), max_length=100,
                               widget=forms.TextInput(attrs={"list": "categories", "autocomplete": "off"}))
    description = forms.CharField(label=_("问题描述"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    found_on = forms.DateField(label=_("发现日期"), widget=DateInput())
    team = TeamChoiceField(label=_("服务队"), required=False,
                           error_messages={"invalid_choice": _("服务队“%(value)s”不存在或不在您的权限范围内，请从列表中选择")})

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # Where the user may log problems is the service's to say (problems/policy.py); any organization
        # in scope can be named here. A team: one of the user's scope, or one no organization claims
        # (teams named in an import) — the picker's source says which (ui/pickers.py: TeamSource).
        bind_pickers(self, scope.user)
        self.fields["found_on"].initial = timezone.localdate()


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
