"""The case list as an office workbook: the filtered cases, their history, every text cell inert (workbook.write)."""

from django.utils.translation import gettext, gettext_noop as _

from .models import CaseStatus, CaseStep, CaseStepReached

CHUNK = 2000
HEADER = (_("规则编号"), _("规则"), _("人员编号"), _("责任人"), _("组织编码"), _("涉及组织"), _("所属单位"), _("处理人"),
          _("状态"), _("问责步骤"), _("立项日期"), _("整改期限"), _("剩余天数"), _("结案日期"), _("步骤记录"))


def export_cases(user, queryset, path, as_of, filters=""):
    """The case list's workbook at ``path``, audited as a read (``filters``: the list's query string)."""
    from dangjian.audit.services import record

    count = cases_to_xlsx(queryset, path, as_of)
    record("cases exported", actor=user, data_changed=False, after={"cases_count": count, "filters": filters})
    return count


def cases_to_xlsx(queryset, path, as_of):
    """Write the cases of ``queryset`` (already scoped and filtered) to ``path``; returns the row count.

    Two queries whatever the size: the cases with their names, then the steps they reached."""
    import openpyxl
    from openpyxl.styles import Font

    from dangjian.compliance.rules import RULES_BY_ID
    from dangjian.workbook.write import safe_cell, safe_row

    statuses, steps = dict(CaseStatus.choices), dict(CaseStep.choices)
    reached = {}
    for case_id, on, step in (CaseStepReached.objects.filter(case__in=queryset.order_by().values("pk"))
                              .order_by("on", "id").values_list("case_id", "on", "step").iterator(chunk_size=CHUNK)):
        reached.setdefault(case_id, []).append(f"{on:%Y-%m-%d} {gettext(steps[step])}")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(gettext("问责事项"))
    bold = Font(bold=True)
    ws.append([safe_cell(ws, gettext(h), font=bold) for h in HEADER])
    rows = queryset.values_list("pk", "rule", "person__code", "person__name", "org__code", "org__name", "unit__name",
                                "handler__name", "status", "step", "opened_on", "deadline", "closed_on")
    count = 0
    for (pk, rule, person, person_name, org, org_name, unit, handler, status, step, opened_on, deadline,
         closed_on) in rows.iterator(chunk_size=CHUNK):
        title = RULES_BY_ID[rule].title if rule in RULES_BY_ID else rule
        left = (deadline - as_of).days if status == CaseStatus.OPEN and deadline else None
        ws.append(safe_row(ws, [rule, gettext(title), person or "", person_name or "", org or "", org_name or "",
                                unit or "", handler or "", gettext(statuses[status]), gettext(steps[step]),
                                opened_on, deadline, left, closed_on, "；".join(reached.get(pk, ()))]))
        count += 1
    wb.save(path)
    return count
