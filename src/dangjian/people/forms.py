from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.models import OrgKind
from dangjian.ui.forms import DateInput
from dangjian.ui.generic import ScopedForm
from dangjian.ui.labels import translated_choices
from dangjian.ui.pickers import OrganizationChoiceField, PersonChoiceField

from .models import PostRole


class PersonForm(ScopedForm):
    """The numbers held appear masked, as the boxes' placeholders: the full ones only by the audited reveal."""

    name = forms.CharField(label=_("姓名"), max_length=100)
    id_card = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    clear_id_card = forms.BooleanField(label=_("清除身份证号"), required=False)
    mobile = forms.CharField(label=_("手机号"), max_length=11, required=False)
    clear_mobile = forms.BooleanField(label=_("清除手机号"), required=False)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        for field, masked in (("id_card", instance.id_card_masked if instance else ""),
                              ("mobile", instance.mobile_masked if instance else "")):
            if masked:
                self.fields[field].widget.attrs["placeholder"] = masked
                self.fields[field].help_text = _("现为 %(masked)s；留空则不变") % {"masked": masked}
            else:
                del self.fields[f"clear_{field}"]


class PostForm(ScopedForm):
    person = PersonChoiceField(label=_("人员"))
    role = forms.ChoiceField(label=_("职务"), choices=translated_choices(PostRole.choices))
    start_date = forms.DateField(label=_("任职日期"), widget=DateInput(), initial=timezone.localdate)


class EndPostForm(ScopedForm):
    end_date = forms.DateField(label=_("免职日期"), widget=DateInput(), initial=timezone.localdate)


POST_KINDS = [("", _("全部")), ("committee", _("党委（党组、党工委）班子成员")), ("branch", _("支部书记、委员")),
              ("none", _("当前无任职"))]


class PersonFilterForm(ScopedForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    org = OrganizationChoiceField(label=_("组织（含下级）"), required=False)
    post = forms.ChoiceField(label=_("当前任职"), choices=POST_KINDS, required=False)


COMMITTEES = [OrgKind.PARTY_COMMITTEE, OrgKind.LEADING_GROUP, OrgKind.WORKING_COMMITTEE]
