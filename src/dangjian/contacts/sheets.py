"""The sheets of contact links and visits (CONTRACT §2): 联系点 and 活动."""

from dangjian.orgs.sheets import by_label, code_column, org_ids
from dangjian.people.sheets import DatedSheet, person_column, person_ids
from dangjian.workbook import Column, Sheet, register

from .models import Activity, ActivityKind, ContactLink, LinkKind
from .validators import CONTENT_MAX, LINK_END_BEFORE_START


class LinkSheet(DatedSheet):
    """「每人建立1个党建工作联系点，根据分管工作实际至少联系1个基层党支部」."""

    name = "联系点"
    order = 50
    after = ("组织", "人员")
    key = ("人员编号", "组织编码", "联系类型", "开始日期")
    models = (ContactLink,)
    help = "每名责任主体建立 1 个联系点，并至少联系 1 个基层党支部。"
    columns = (
        person_column(),
        code_column(),
        Column("联系类型", True, "choice", by_label(LinkKind)),
        Column("开始日期", False, "date", note="为空表示一直以来"),
        Column("结束日期", False, "date", note="为空表示仍然有效；不能早于开始日期"),
    )
    start, end, end_message = "开始日期", "结束日期", LINK_END_BEFORE_START
    model, key_fields, value_fields = ContactLink, ("person_id", "organization_id", "kind", "start_date"), ("end_date",)


class ActivitySheet(Sheet):
    name = "活动"
    order = 60
    after = ("组织", "人员")
    key = ("人员编号", "组织编码", "活动日期", "活动类型", "内容")
    models = (Activity,)
    help = "到联系点开展的调研指导、专题党课、督导检查等活动。"
    columns = (
        person_column(),
        code_column(),
        Column("活动日期", True, "date"),
        Column("活动类型", True, "choice", by_label(ActivityKind)),
        Column("内容", False, max_length=CONTENT_MAX),
    )
    model, key_fields, value_fields = Activity, ("person_id", "organization_id", "date", "kind", "content"), ()

    def check_row(self, run, number, v, errors):
        sheet = self.name
        seen = run.local.setdefault("rows", {})
        bad = run.report_cells(sheet, number, errors)
        bad |= not run.check_ref(sheet, number, "人员编号", v["人员编号"])
        bad |= not run.check_ref(sheet, number, "组织编码", v["组织编码"])
        if bad:
            return
        key = (v["人员编号"], v["组织编码"], v["活动日期"], v["活动类型"], v["内容"] or "")
        if key in seen:
            run.error(sheet, number, "内容", f"与第 {seen[key]} 行完全相同（重复的活动记录）")
        else:
            seen[key] = number

    def record(self, run, v):
        return ((person_ids(run)[v["人员编号"]], org_ids(run)[v["组织编码"]], v["活动日期"], v["活动类型"],
                 v["内容"] or ""), ())


register(LinkSheet())
register(ActivitySheet())
