"""The pages of a case's human steps: one form per step (GET shows it, POST takes the step), and the files.

A case outside the user's scope is a 404 (``Case.objects.visible_to``), like every record; a
step the table does not let the user take is a 404 too (its form is not theirs to see) and
its POST writes nothing. A step that does not apply to the case now (the wrong step, an
appeal out of time) is refused with the table's Chinese message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_noop

from dangjian.ui.generic import apply_errors, error_text

from . import attachments as files, services
from .forms import FORMS, initial_for
from .models import Case, CaseAttachment
from .workflow import CASES, WHEN, _message

DONE = {
    "hold_talk": gettext_noop("已记录谈话"),
    "report_rectification": gettext_noop("已报告整改情况，待处理人审核"),
    "accept_evidence": gettext_noop("已认可整改材料；问责事项在下次巡检核实整改后结案"),
    "return_evidence": gettext_noop("已退回整改材料"),
    "record_criticism": gettext_noop("已记录批评教育"),
    "appeal": gettext_noop("已提出申诉，待组织部答复"),
    "answer_appeal": gettext_noop("已答复申诉"),
    "escalate": gettext_noop("问责事项已提级"),
    "dismiss": gettext_noop("问责事项已决定不予问责"),
}


def _case(request, pk):
    return get_object_or_404(Case.objects.visible_to(request.user).select_related("person", "org", "unit", "handler"),
                             pk=pk)


def _take(user, case, name, c):
    return services.take_step(user, case, name, c, c.get("files") or [])


def case_steps(request, pk):
    """The case's paperwork and the steps this user may take now (the ladder's case page includes the same)."""
    from dangjian.compliance.rules import RULES_BY_ID

    case = _case(request, pk)
    rule = RULES_BY_ID.get(case.rule)
    return render(request, "accountability/steps/case.html",
                  {"case": case, "rule_title": rule.title if rule else case.rule})


def case_step(request, pk, name):
    case = _case(request, pk)
    if name not in FORMS:
        raise Http404
    transition = CASES[name]
    if not transition.permission(request.user, case):
        raise Http404  # not this user's step: nothing to show (and the POST writes nothing)
    posted = request.method == "POST"
    form = FORMS[name](request.POST if posted else None, request.FILES if posted else None,
                       initial=initial_for(name, case))
    if request.method != "POST":
        refused = WHEN[name](case)
        if refused or case.progress not in transition.source:
            if refused:
                refused = _message(refused)
                text = error_text(refused) if isinstance(refused, ValidationError) else gettext(refused)
            else:
                text = gettext("当前办理进度为“%(state)s”，不能执行“%(label)s”") % {
                    "state": gettext(case.get_progress_display()), "label": gettext(transition.label)}
            messages.error(request, text)
            return redirect(services.case_url(case))
    elif form.is_valid():
        try:
            _take(request.user, case, name, form.cleaned_data)
        except PermissionDenied:
            form.add_error(None, gettext("您无权执行此操作"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext(DONE[name]))
            return redirect(services.case_url(case))
    return render(request, "accountability/steps/step_form.html",
                  {"case": case, "form": form, "transition": transition, "name": name,
                   "multipart": "files" in form.fields, "cancel_url": services.case_url(case)})


def attachment(request, pk):
    """One attachment, to those who may see its case, nobody else (never through MEDIA_URL).

    The content type comes from the file's bytes: a photo is shown inline, a PDF or anything
    else is a download, under a name made here (never the uploader's).
    """
    found = get_object_or_404(CaseAttachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404
    kind = files.UPLOADS.sniff_file(handle)
    if kind is None:
        response = FileResponse(handle, as_attachment=True, filename=f"attachment-{found.pk}.bin",
                                content_type="application/octet-stream")
    else:
        response = FileResponse(handle, as_attachment=not kind.inline, filename=f"attachment-{found.pk}{kind.extension}",
                                content_type=kind.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
