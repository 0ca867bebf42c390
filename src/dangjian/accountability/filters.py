"""The case list's filters: one form for the page, the export and the board's links (each figure is a filter)."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.orgs.queries import subtree_q
from dangjian.ui.generic import ScopedForm
from dangjian.ui.pickers import OrganizationChoiceField, PersonChoiceField

from .models import CaseStatus, CaseStep
from .queries import escalated_in_q, month_bounds, overdue_q, timely_q

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _rule_choices():
    from dangjian.compliance.rules import RULES

    return [("", _("全部规则")), *((r.id, _(r.title)) for r in RULES)]


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the board's trend links), the first day of it once cleaned."""

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        m = MONTH.match(text)
        try:
            return date(int(m.group(1)), int(m.group(2)), 1)
        except (AttributeError, ValueError):
            raise ValidationError(_("月份应写作“年-月”，例如 2026-10"), code="invalid")


class CaseFilterForm(ScopedForm):
    rule = forms.ChoiceField(label=_("规则"), required=False, choices=_rule_choices)
    step = forms.ChoiceField(label=_("问责步骤"), required=False,
                             choices=[("", _("全部步骤")), *((v, _(label)) for v, label in CaseStep.choices)])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *((v, _(label)) for v, label in CaseStatus.choices)])
    org = OrganizationChoiceField(label=_("组织（含下级）"), required=False)
    person = PersonChoiceField(label=_("责任人"), required=False)
    handler = PersonChoiceField(label=_("处理人"), required=False)
    overdue = forms.ChoiceField(label=_("逾期"), required=False,
                                choices=[("", _("不限")), ("1", _("已逾期未整改"))])
    timely = forms.ChoiceField(label=_("整改时限"), required=False,
                               choices=[("", _("不限")), ("1", _("期限内整改")), ("0", _("逾期后整改"))])
    unit = forms.CharField(label=_("所属单位"), required=False, max_length=64, widget=forms.HiddenInput)
    opened = MonthField(label=_("立项月份"), required=False)
    closed = MonthField(label=_("结案月份"), required=False)
    escalated = MonthField(label=pgettext_lazy("cases", "升级月份"), required=False)


def filter_cases(qs, c, as_of):
    """``qs`` narrowed by the cleaned filters ``c`` (an empty dict: no filter)."""
    if c.get("rule"):
        qs = qs.filter(rule=c["rule"])
    if c.get("step"):
        qs = qs.filter(step=c["step"])
    if c.get("status"):
        qs = qs.filter(status=c["status"])
    if c.get("org"):
        qs = qs.filter(subtree_q(c["org"].path, "unit__path"))
    if c.get("unit"):  # exactly this unit (the board's row for the page's own level)
        qs = qs.filter(unit__code=c["unit"])
    if c.get("person"):
        qs = qs.filter(person=c["person"])
    if c.get("handler"):
        qs = qs.filter(handler=c["handler"])
    if c.get("overdue") == "1":
        qs = qs.filter(overdue_q(as_of))
    if c.get("timely") in ("0", "1"):
        qs = qs.filter(timely_q(c["timely"] == "1"))
    if c.get("opened"):
        start, end = month_bounds(c["opened"])
        qs = qs.filter(opened_on__gte=start, opened_on__lt=end)
    if c.get("closed"):
        start, end = month_bounds(c["closed"])
        qs = qs.filter(closed_on__gte=start, closed_on__lt=end)
    if c.get("escalated"):
        qs = qs.filter(escalated_in_q(c["escalated"]))
    return qs

