"""The cases as the latest sweep left them (CONTRACT §5 ``dangjian accountability report``).

Two queries whatever the size (the cases with their codes, then their history), sorted in
Python because codes compare as text, never by a database collation.
"""

import unicodedata

from dangjian.orgs.queries import subtree_q

from .models import STEPS, Case, CaseProgress, CaseStatus, CaseStep, CaseStepReached, Sweep

RULE_TITLES = None  # filled on first use from compliance.rules (titles for people)
STEP_RANK = {s.value: i for i, s in enumerate(STEPS)}
STATUS_LABELS = dict(CaseStatus.choices)
STEP_LABELS = dict(CaseStep.choices)
DISMISSED_LABEL = "失效（不予问责）"  # a case the department closed: ``lapsed`` in the JSON (README: 失责必问)
FIELDS = ("id", "rule", "person__code", "person__name", "org__code", "org__name", "unit__code", "unit__name",
          "handler__code", "handler__name", "status", "step", "opened_on", "deadline", "closed_on", "progress")


def _iso(day):
    return day.isoformat() if day is not None else None


def _sort_key(case, pk):
    # rule, person, org (nulls first), opened_on, closed cases before an open one (then the order they were made)
    return (case["rule"], case["person"] is not None, case["person"] or "", case["org"] is not None,
            case["org"] or "", case["opened_on"], case["status"] == CaseStatus.OPEN, pk)


def cases_report(scope=None):
    """The report as data: ``as_json()``-ready dict plus the names the table and workbook show.

    ``scope``: an Organization (keeps the cases whose unit lies in its subtree) or None.
    """
    last = Sweep.objects.order_by("-on").values_list("on", flat=True).first()
    qs = Case.objects.order_by()
    history = CaseStepReached.objects.order_by()
    if scope is not None:
        qs = qs.filter(subtree_q(scope.path, "unit__path"))
        history = history.filter(subtree_q(scope.path, "case__unit__path"))
    steps = {}
    for case_id, on, step in history.values_list("case_id", "on", "step").iterator(chunk_size=10000):
        steps.setdefault(case_id, []).append((on, STEP_RANK[step], step))
    entries, names = [], {}
    for row in qs.values_list(*FIELDS).iterator(chunk_size=10000):
        (pk, rule, person, person_name, org, org_name, unit, unit_name, handler, handler_name, status, step,
         opened_on, deadline, closed_on, progress) = row
        reached = sorted(steps.get(pk, ()))
        case = {
            "rule": rule, "person": person, "org": org, "unit": unit, "handler": handler, "status": status,
            "step": step, "opened_on": _iso(opened_on), "deadline": _iso(deadline), "closed_on": _iso(closed_on),
            "history": [{"on": on.isoformat(), "step": s} for on, _, s in reached],
        }
        # Beside the case, not in it (its dict is the JSON as it stands): its id, and 不予问责 (lapsed in §5's terms).
        entries.append((_sort_key(case, pk), case, (pk, progress == CaseProgress.DISMISSED)))
        names[pk] = (person_name, org_name, unit_name, handler_name)
    entries.sort(key=lambda e: e[0])
    cases, meta = [e[1] for e in entries], [e[2] for e in entries]
    summary = {"open": 0, "rectified": 0, "lapsed": 0, "reminder_talk": 0, "interview": 0, "criticism": 0}
    for c in cases:
        summary[c["status"]] += 1
        if c["status"] == CaseStatus.OPEN:
            summary[c["step"]] += 1
    return CasesReport(last_sweep=last, scope=scope.code if scope is not None else None, summary=summary,
                       cases=cases, meta=meta, names=names)


class CasesReport:
    def __init__(self, last_sweep, scope, summary, cases, meta, names):
        self.last_sweep, self.scope, self.summary, self.cases, self.names = last_sweep, scope, summary, cases, names
        self.meta = meta  # per case, in the same order: (id, dismissed)

    def as_json(self):
        return {
            "last_sweep": _iso(self.last_sweep),
            "scope": self.scope,
            "summary": self.summary,
            "cases": list(self.cases),
        }


def _rule_titles():
    global RULE_TITLES
    if RULE_TITLES is None:
        from dangjian.compliance.rules import RULES_BY_ID

        RULE_TITLES = {k: r.title for k, r in RULES_BY_ID.items()}
    return RULE_TITLES


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


SUMMARY_LABELS = {"open": "整改中", "rectified": "已整改", "lapsed": "失效",
                  "reminder_talk": "　其中 提醒谈话", "interview": "　其中 约谈", "criticism": "　其中 批评教育"}
HEADER = ["规则", "人员", "组织", "所属单位", "处理人", "状态", "步骤", "立项日期", "整改期限", "结案日期"]


def _who(code, name):
    return f"{name}（{code}）" if code and name else (code or "")


def _rows(report):
    titles = _rule_titles()
    for c, (pk, dismissed) in zip(report.cases, report.meta):
        person_name, org_name, unit_name, handler_name = report.names[pk]
        yield c, [titles.get(c["rule"], c["rule"]), _who(c["person"], person_name), _who(c["org"], org_name),
                  _who(c["unit"], unit_name), _who(c["handler"], handler_name),
                  DISMISSED_LABEL if dismissed else STATUS_LABELS[c["status"]],
                  STEP_LABELS[c["step"]], c["opened_on"], c["deadline"] or "", c["closed_on"] or ""]


def report_to_table(report):
    lines = [f"最近问责巡检 {report.last_sweep.isoformat() if report.last_sweep else '（尚未执行）'}"
             f"　范围 {report.scope or '全部'}", ""]
    for key, label in SUMMARY_LABELS.items():
        lines.append(f"  {_pad(label, 20)}{report.summary[key]:>8}")
    lines.append("")
    rows = [r for _, r in _rows(report)]
    if not rows:
        lines.append("没有问责事项。")
        return "\n".join(lines)
    widths = [max(_width(r[i]) for r in rows + [HEADER]) for i in range(len(HEADER))]
    lines.append("  ".join(_pad(h, w) for h, w in zip(HEADER, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
    lines.append("")
    lines.append(f"共 {len(rows)} 个问责事项。")
    return "\n".join(lines)


def report_to_xlsx(report, out):
    from openpyxl import Workbook  # imported on use: it slows every other format's start-up
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from dangjian.workbook.write import safe_row

    wb = Workbook()
    ws = wb.active
    ws.title = "问责事项"
    ws.append(["最近问责巡检", report.last_sweep.isoformat() if report.last_sweep else "（尚未执行）"])
    ws.append(["范围", report.scope or "全部"])
    for key, label in SUMMARY_LABELS.items():
        ws.append([label.strip("　"), report.summary[key]])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append(["规则编号", *HEADER, "步骤记录"])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE7E7")
    for c, row in _rows(report):
        steps = "；".join(f"{h['on']} {STEP_LABELS[h['step']]}" for h in c["history"])
        ws.append(safe_row(ws, [c["rule"], *row, steps]))
    for i, width in enumerate([26, 18, 20, 24, 24, 20, 8, 10, 12, 12, 12, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    wb.save(out)
