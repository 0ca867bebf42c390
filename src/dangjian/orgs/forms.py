from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.ui.forms import DateInput
from dangjian.ui.generic import ScopedForm
from dangjian.ui.labels import translated_choices
from dangjian.ui.pickers import OrganizationChoiceField

from .models import Domain, OrgKind, Tier

# An organization is added or moved under a committee or a general branch, never under a 党支部.
PARENT_KINDS = ",".join(k for k in OrgKind.values if k != OrgKind.BRANCH)


def _domains():
    return [("", "—")] + translated_choices(Domain.choices)


class OrganizationForm(ScopedForm):
    name = forms.CharField(label=_("组织名称"), max_length=200)
    kind = forms.ChoiceField(label=_("组织类型"), choices=translated_choices(OrgKind.choices))
    domain = forms.ChoiceField(label=_("所属领域"), choices=_domains, required=False,
                               help_text=_("党支部须填写"))


class OrganizationAddForm(OrganizationForm):
    parent = OrganizationChoiceField(label=_("上级组织"), kind=PARENT_KINDS, action="add")
    code = forms.CharField(label=_("组织编码"), max_length=64)
    field_order = ["parent", "code", "name", "kind", "domain"]


class OrganizationMoveForm(ScopedForm):
    parent = OrganizationChoiceField(label=_("新的上级组织"), kind=PARENT_KINDS, action="add")


class TierForm(ScopedForm):
    tier = forms.ChoiceField(label=_("支部等次"), choices=translated_choices(Tier.choices))
    rated_on = forms.DateField(label=_("定级日期"), widget=DateInput(), initial=timezone.localdate)
