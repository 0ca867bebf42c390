from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.ui.pickers import PersonChoiceField, bind_pickers


class FindingForm(forms.Form):
    """A supervisor's finding at an organization; it may name a person, picked by name (never a code)."""

    text = forms.CharField(label=_("督查意见"), required=False,  # the service says why an empty one is refused
                           widget=forms.Textarea(attrs={"rows": 2}))
    person = PersonChoiceField(label=_("涉及人员（可不填）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_pickers(self, user)
