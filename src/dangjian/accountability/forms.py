"""The forms of a case's human steps: one per step, the checks are the table's (accountability/workflow.py).

The fields are optional here on purpose: what a step requires, and the Chinese message when
it is missing, is the table's ``requires`` (the same for a form and for the API).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.ui.forms import DateInput, MultipleFileField

from . import attachments


def _files(label):
    return MultipleFileField(label=label, required=False, uploads=attachments.UPLOADS, accept="image/*,application/pdf",
                             help_text=_("可选：照片（JPEG、PNG、WebP、HEIC）或 PDF，每个不超过 10 MB，最多 9 个"))


def _text(label, rows=4, **kwargs):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class StepForm(forms.Form):
    """Names the fields the table requires (for the asterisk); the files are checked by their bytes (``_files``)."""

    required_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            self.fields[name].widget.attrs["required"] = True
        if "on" in self.fields:
            self.fields["on"].initial = timezone.localdate()


class TalkForm(StepForm):
    required_fields = ("on", "place", "attendees", "content", "promise")
    on = forms.DateField(label=_("谈话日期"), required=False, widget=DateInput())
    place = forms.CharField(label=_("谈话地点"), required=False, max_length=200)
    attendees = forms.CharField(label=_("参加人员"), required=False, max_length=500,
                                help_text=_("谈话人、被谈话人、记录人等，用顿号分隔"))
    content = _text(_("谈话内容"), rows=5)
    account = _text(_("本人说明或申辩"))
    promise = _text(_("整改承诺"))
    files = _files(_("附件（谈话记录、照片）"))


class EvidenceForm(StepForm):
    required_fields = ("content",)
    content = _text(_("整改情况"), rows=5)
    files = _files(_("整改证明材料"))


class AcceptForm(StepForm):
    content = _text(_("审核意见"), rows=3)


class ReturnForm(StepForm):
    required_fields = ("content",)
    content = _text(_("退回的理由"), rows=3)


class CriticismForm(StepForm):
    required_fields = ("decided_by", "on", "content")
    decided_by = forms.CharField(label=_("作出决定的组织或人员"), required=False, max_length=200)
    on = forms.DateField(label=_("决定日期"), required=False, widget=DateInput())
    content = _text(_("批评教育的内容"), rows=5)
    files = _files(_("附件（决定书）"))


class AppealForm(StepForm):
    required_fields = ("content",)
    content = _text(_("申诉理由"), rows=5)
    files = _files(_("附件"))


class AnswerForm(StepForm):
    required_fields = ("content",)
    content = _text(_("答复内容"), rows=5)


class EscalateForm(StepForm):
    required_fields = ("content",)
    from_step = forms.CharField(required=False, widget=forms.HiddenInput())  # the step the user saw
    content = _text(_("党员群众反映的情况"), rows=5, help_text=_("写明反映的来源、时间和内容，提级以此为据"))


class DismissForm(StepForm):
    required_fields = ("content",)
    content = _text(_("不予问责的理由"), rows=4)


FORMS = {"hold_talk": TalkForm, "report_rectification": EvidenceForm, "accept_evidence": AcceptForm,
         "return_evidence": ReturnForm, "record_criticism": CriticismForm, "appeal": AppealForm,
         "answer_appeal": AnswerForm, "escalate": EscalateForm, "dismiss": DismissForm}


def initial_for(name, case):
    """What the system already knows, filled in: a talk is the handler's with the case's person,
    a 批评教育 is decided by the handler (both may be changed)."""
    people = [p.name for p in (case.handler, case.person) if p is not None]
    if name == "hold_talk" and people:
        return {"attendees": "、".join(dict.fromkeys(people))}
    if name == "record_criticism" and case.handler is not None:
        return {"decided_by": case.handler.name}
    if name == "escalate":
        return {"from_step": case.step}
    return {}


class CaseFindingForm(forms.Form):
    """A supervisor's 督查意见 about the case: the text alone (the organization and the person are the case's).

    Optional here: the rules of a finding's text, and their Chinese messages, are compliance's
    ``record_finding`` (the same for the organization's page and the API).
    """

    text = _text(_("督查意见"), rows=3)
