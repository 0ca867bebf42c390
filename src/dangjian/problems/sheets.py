"""The sheet of the livelihood-problem ledger (CONTRACT §2): 民生问题."""

from dangjian.accounts.scope import subtrees_q
from dangjian.orgs.sheets import by_label, code_column, org_ids
from dangjian.workbook import Column, Sheet, register

from .models import Problem, ProblemStatus, VolunteerTeam
from .validators import DESCRIPTION_MAX, completion_errors


class ProblemSheet(Sheet):
    name = "民生问题"
    order = 70
    after = ("组织",)
    key = ("问题编号",)
    models = (Problem, VolunteerTeam)
    help = "民生问题台账：状态为“已办结”时必须填写办结日期，且不早于发现日期。"
    columns = (
        Column("问题编号", True, max_length=64, note="每个问题唯一，不能重复"),
        code_column(),
        Column("问题类别", True, max_length=100),
        Column("问题描述", True, max_length=DESCRIPTION_MAX),
        Column("发现日期", True, "date"),
        Column("状态", True, "choice", by_label(ProblemStatus)),
        Column("办结日期", False, "date", note="状态为“已办结”时必填，其他状态不能填写；不能早于发现日期"),
        Column("服务队", False, note="系统中还没有的服务队会自动新增"),
    )
    model, key_fields = Problem, ("code",)
    value_fields = ("organization_id", "category", "description", "found_on", "status", "completed_on", "team_id")

    def check_row(self, run, number, v, errors):
        sheet, seen = self.name, run.local.setdefault("rows", {})
        run.report_cells(sheet, number, errors)
        run.check_ref(sheet, number, "组织编码", v["组织编码"])
        unreadable = any(c == "办结日期" for c, _ in errors)  # a bad cell is reported as it is, not as missing
        for message in completion_errors(v["状态"], v["发现日期"], v["办结日期"], date_unreadable=unreadable):
            run.error(sheet, number, "办结日期", message)
        code = v["问题编号"]
        if code is not None:
            if code in seen:
                run.error(sheet, number, "问题编号", f"问题编号“{code}”与第 {seen[code]} 行重复")
            else:
                seen[code] = number

    def check_scope(self, run):
        """A problem recorded outside the scope cannot be taken over."""
        seen = run.local.get("rows", {})
        inside = subtrees_q(run.within, "organization__path")
        codes = list(seen)
        for i in range(0, len(codes), 500):
            outside = Problem.objects.filter(code__in=codes[i:i + 500]).exclude(inside).values_list("code", flat=True)
            for code in outside:
                run.out_of_scope(self.name, seen[code], "问题编号", f"问题“{code}”")

    def apply(self, run):
        teams = dict(VolunteerTeam.objects.values_list("name", "id"))
        wanted = {v["服务队"] for _, v, _ in run.rows(self.name) if v["服务队"] and v["服务队"] not in teams}
        if wanted:
            run.report.count("服务队", "new", len(wanted))
            if run.dry_run:
                teams.update({name: -(i + 1) for i, name in enumerate(sorted(wanted))})
            else:
                VolunteerTeam.objects.bulk_create([VolunteerTeam(name=n) for n in sorted(wanted)])
                teams = dict(VolunteerTeam.objects.values_list("name", "id"))
        ids = org_ids(run)
        run.sync(self.name, Problem, self.key_fields, self.value_fields, lambda v: (
            (v["问题编号"],), (ids[v["组织编码"]], v["问题类别"], v["问题描述"], v["发现日期"], v["状态"], v["办结日期"],
                            teams.get(v["服务队"]) if v["服务队"] else None)))


register(ProblemSheet())
