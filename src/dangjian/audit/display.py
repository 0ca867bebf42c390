"""The audit trail as people read it: the action's name, the changed fields, values in words.

Events store codes (``contact link ended``, ``{"kind": "contact_point"}``) so that they
stay exact and searchable; the pages show them through here, in the page's language.
"""

from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

ACTIONS = {
    "contact link set up": pgettext_lazy("audit action", "建立联系"),
    "contact link changed": pgettext_lazy("audit action", "修改联系"),
    "contact link ended": pgettext_lazy("audit action", "结束联系"),
    "activity logged": pgettext_lazy("audit action", "记录活动"),
    "finding recorded": pgettext_lazy("audit action", "督查意见"),
    "problem logged": pgettext_lazy("audit action", "登记民生问题"),
    "problem updated": pgettext_lazy("audit action", "办理民生问题"),
    "problem taken up": pgettext_lazy("audit action", "开始办理民生问题"),
    "problem completed": pgettext_lazy("audit action", "办结民生问题"),
    "problem reopened": pgettext_lazy("audit action", "重新办理民生问题"),
    "import run checked": pgettext_lazy("audit action", "试导入通过"),
    "import run confirmed": pgettext_lazy("audit action", "确认导入"),
    "import run completed": pgettext_lazy("audit action", "导入完成"),
    "import run rejected": pgettext_lazy("audit action", "导入未通过"),
    "import run failed": pgettext_lazy("audit action", "导入处理失败"),
    "workbook imported": pgettext_lazy("audit action", "导入工作簿"),
    "api token issued": pgettext_lazy("audit action", "签发接口令牌"),
    "demo loaded": pgettext_lazy("audit action", "载入演示数据"),
}

FIELDS = {
    "person": _("人员"), "organization": _("组织"), "kind": _("类型"), "start_date": _("开始日期"),
    "end_date": _("结束日期"), "date": _("日期"), "content": _("内容"), "photos": _("照片（张）"),
    "text": _("意见"), "file": _("文件"), "counts": _("写入"), "name": _("名称"), "as_of": _("数据日期"),
    "accounts": _("账户数"),
    "code": _("编号"), "category": _("问题类别"), "description": _("问题描述"), "found_on": _("发现日期"),
    "status": _("状态"), "completed_on": _("办结日期"), "team": _("服务队"),
    "completion_note": _("办结说明"), "reason": _("理由"), "state": _("状态"), "errors": _("错误数"),
}

SHEET_COUNTS = _("%(sheet)s 新增 %(new)s、更新 %(updated)s")


def _kind_labels():
    from dangjian.contacts.models import ActivityKind, LinkKind

    return {**dict(LinkKind.choices), **dict(ActivityKind.choices)}


def _status_labels():
    from dangjian.problems.models import ProblemStatus

    return dict(ProblemStatus.choices)


def _state_labels():
    from dangjian.imports.models import ImportRun

    return dict(ImportRun.State.choices)


def value_text(field, value):
    if value is None or value == "":
        return "—"
    if field in ("kind", "status", "state"):
        label = {"kind": _kind_labels, "status": _status_labels, "state": _state_labels}[field]().get(value)
        return gettext(label) if label else str(value)
    if field == "counts" and isinstance(value, dict):
        parts = [SHEET_COUNTS % {"sheet": sheet, "new": c.get("new", 0), "updated": c.get("updated", 0)}
                 for sheet, c in value.items() if c.get("new") or c.get("updated")]
        return "；".join(parts) or "—"
    return str(value)


def action_text(action):
    label = ACTIONS.get(action)
    return str(label) if label else action


def changes(event):
    """[(field label, before text, after text, changed)] in a stable order."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [(gettext("内容"), value_text("", before), value_text("", after), before != after)]
    rows = []
    for field in list(dict.fromkeys([*after, *before])):
        b, a = before.get(field), after.get(field)
        changed = field in before and b != a
        # A change shows what changed (and what only the step recorded, a reason); the record's page says the rest.
        if before and after and not changed and field in before:
            continue
        rows.append((str(FIELDS.get(field, field)), value_text(field, b) if field in before else "",
                     value_text(field, a) if field in after else "", changed))
    return rows
