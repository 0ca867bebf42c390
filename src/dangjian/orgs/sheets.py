"""The sheets of the organization tree (CONTRACT §2): 组织 and 支部定级."""

from dangjian.workbook import Column, Reference, Sheet, register
from dangjian.workbook.bulk import insert_rows
from dangjian.workbook.engine import BATCH

from .models import Domain, Organization, OrgKind, Tier, TierRating

STEPLEN = Organization.steplen
_ORG_REF = "须为本文件“组织”表或系统中已有的组织编码"
TIER_DATE_IGNORED = "填写了定级日期但未填写支部等次：定级日期已忽略，未记入定级历史"


def by_label(choices):
    return {label: value for value, label in choices.choices}


def code_column(note="", required=True, name="组织编码"):
    """A column naming an organization, in the file or the database."""
    return Column(name, required, max_length=64, ref="org", note=note)


def db_orgs(run):
    """code -> (id, path, kind) of the database's organizations, read once per run."""
    return run.cached("db_orgs", lambda: {c: (i, p, k) for i, c, p, k in Organization.objects.values_list(
        "id", "code", "path", "kind").iterator(chunk_size=5000)})


def file_orgs(run):
    """code -> dict(row, name, parent, kind, domain) of the 组织 sheet's rows."""
    return run.shared.setdefault("orgs", {})


def tiers(run):
    """(code, date) -> (tier, sheet, row): the tier entries of 组织 and 支部定级 rows alike."""
    return run.shared.setdefault("tiers", {})


def org_ids(run):
    """code -> id, once the 组织 sheet is written (stand-in ids in a dry run)."""
    return run.cached("org_ids", lambda: run.code_ids(Organization, file_orgs(run)))


def org_kind(run, code):
    if code in file_orgs(run):
        return file_orgs(run)[code]["kind"]
    found = db_orgs(run).get(code)
    return found[2] if found else None


def db_parent_code(run, code):
    """The code of the parent ``code`` has in the database (None: unknown, or a top-level organization)."""
    found = db_orgs(run).get(code)
    if found is None or len(found[1]) <= STEPLEN:
        return None
    by_path = run.cached("db_orgs_by_path", lambda: {p: c for c, (_, p, _) in db_orgs(run).items()})
    return by_path.get(found[1][:-STEPLEN])


class OrgSheet(Sheet):
    name = "组织"
    order = 10
    key = ("组织编码",)
    provides = Reference("org", label="组织编码", noun="组织")
    models = (Organization, TierRating)
    help = "党组织树：上级组织编码为空表示顶层组织；党支部必须填写所属领域。"
    columns = (
        Column("组织编码", True, max_length=64, note="每个组织唯一，不能重复"),
        Column("组织名称", True),
        code_column("为空表示顶层组织；" + _ORG_REF + "；不能形成循环", required=False, name="上级组织编码"),
        Column("组织类型", True, "choice", by_label(OrgKind)),
        Column("所属领域", False, "choice", by_label(Domain), note="组织类型为“党支部”时必填"),
        Column("支部等次", False, "choice", by_label(Tier), note="只有党支部可以填写；与定级日期一起记入定级历史"),
        Column("定级日期", False, "date", note="与支部等次一起填写；只填定级日期、不填支部等次时不记定级（导入时警告）；"
                                         "为空表示一直如此"),
    )

    # ----- references ----------------------------------------------------------------
    def known(self, run, code):
        return code in file_orgs(run) or code in db_orgs(run)

    def in_scope(self, run, code):
        """Whether ``code`` lies inside ``within`` (where it is now, or for a new one, where it goes)."""
        memo = run.shared.setdefault("org_in_scope", {})
        if code in memo:
            return memo[code]
        memo[code] = False  # a cycle (reported elsewhere) is not in scope
        found = db_orgs(run).get(code)
        orgs = file_orgs(run)
        if found is not None:
            result = found[1].startswith(run.within)
        elif code in orgs:
            parent = orgs[code]["parent"]
            result = parent is not None and parent != code and self.in_scope(run, parent)
        else:
            result = False
        memo[code] = result
        return result

    # ----- pass 1 -------------------------------------------------------------------
    def check_row(self, run, number, v, errors):
        sheet, orgs = self.name, file_orgs(run)
        run.report_cells(sheet, number, errors)
        code = v["组织编码"]
        if code is None:
            return
        if code in orgs:
            run.error(sheet, number, "组织编码", f"组织编码“{code}”与第 {orgs[code]['row']} 行重复")
            return
        kind = v["组织类型"]
        if kind == OrgKind.BRANCH and v["所属领域"] is None and not any(c == "所属领域" for c, _ in errors):
            run.error(sheet, number, "所属领域", "党支部必须填写所属领域")
        if v["支部等次"] is not None and kind is not None and kind != OrgKind.BRANCH:
            run.error(sheet, number, "支部等次", "只有党支部可以填写支部等次")
        if v["支部等次"] is None and v["定级日期"] is not None:
            # CONTRACT §2: 「A 组织 row with a 定级日期 but no 支部等次 records no tier: it is imported
            # with a warning that names its row, not refused.」
            run.warn(sheet, number, "定级日期", TIER_DATE_IGNORED)
        if v["上级组织编码"] == code:
            run.error(sheet, number, "上级组织编码", "上级组织不能是本组织")
        orgs[code] = {"row": number, "name": v["组织名称"], "parent": v["上级组织编码"],
                      "kind": kind, "domain": v["所属领域"] or ""}
        if v["支部等次"] is not None:
            tiers(run)[(code, v["定级日期"])] = (v["支部等次"], sheet, number)

    def finish(self, run):
        """References and cycles can only be judged once every row is known."""
        sheet, orgs, db = self.name, file_orgs(run), db_orgs(run)
        for code, org in orgs.items():
            parent = org["parent"]
            if run.within is not None and code in db and not self.in_scope(run, code):
                run.out_of_scope(sheet, org["row"], "组织编码", f"组织“{code}”")
                continue
            # An organization in scope keeps the parent it has (a subtree's own root lies under an
            # organization outside it); a new parent, or a new organization's, must be in scope.
            keeps_parent = code in db and parent == db_parent_code(run, code)
            if parent is not None and parent != code:
                run.check_ref(sheet, org["row"], "上级组织编码", parent, scoped=not keeps_parent)
            elif parent is None and run.within is not None and not keeps_parent:
                run.out_of_scope(sheet, org["row"], "上级组织编码", "顶级组织")
        state = {}  # code -> 1 visiting, 2 done
        for start in orgs:
            chain, code = [], start
            while code is not None and state.get(code) is None:
                state[code] = 1
                chain.append(code)
                code = orgs[code]["parent"] if code in orgs else db_parent_code(run, code)
            if code is not None and state.get(code) == 1 and code in chain:
                cycle = chain[chain.index(code):]
                names = " → ".join(cycle + [code])
                for member in cycle:
                    if member in orgs and orgs[member]["parent"] != member:
                        run.error(sheet, orgs[member]["row"], "上级组织编码", f"组织树出现循环：{names}")
            for c in chain:
                state[c] = 2

    # ----- pass 2 -------------------------------------------------------------------
    def apply(self, run):
        from .tree import write_tree  # the tree's placement and moves, kept beside the model's numbering

        write_tree(run, self.name, file_orgs(run), db_orgs(run))
        run.forget("db_orgs")
        run.forget("db_orgs_by_path")


def _fmt_key_date(d):
    return d.isoformat() if d else "（空）"


class TierSheet(Sheet):
    """「tier T from d on」: it adds to the branch's history and never erases it."""

    name = "支部定级"
    order = 20
    after = ("组织",)
    key = ("组织编码", "定级日期")
    help = "党支部的定级历史：每行表示“自定级日期起为该等次”，定级日期为空表示一直如此。"
    columns = (
        code_column("须为党支部；" + _ORG_REF),
        Column("支部等次", True, "choice", by_label(Tier)),
        Column("定级日期", False, "date", note="自该日起为该等次；为空表示一直如此"),
    )

    def check_row(self, run, number, v, errors):
        sheet, seen = self.name, run.local.setdefault("rows", {})
        if run.report_cells(sheet, number, errors):
            return
        code, tier, rated_on = v["组织编码"], v["支部等次"], v["定级日期"]
        if not run.check_ref(sheet, number, "组织编码", code):
            return
        kind = org_kind(run, code)
        if kind is None:  # the 组织 row's own 组织类型 is in error, and reported there
            return
        if kind != OrgKind.BRANCH:
            run.error(sheet, number, "组织编码", f"“{code}”不是党支部，不能定级")
            return
        key = (code, rated_on)
        if key in seen:
            run.error(sheet, number, "定级日期", f"{code} 在 {_fmt_key_date(rated_on)} 的定级与第 {seen[key]} 行重复")
            return
        seen[key] = number
        other = tiers(run).get(key)
        if other and other[0] != tier:
            run.error(sheet, number, "支部等次", f"与“{other[1]}”第 {other[2]} 行同日定级的等次不一致")
            return
        tiers(run)[key] = (tier, sheet, number)

    def applies(self, run):
        return bool(tiers(run))  # the 组织 sheet's tiers too, with no 支部定级 sheet at all

    def apply(self, run):
        ids = run.code_ids(Organization, file_orgs(run))
        # Tier entries come from 组织 rows and 支部定级 rows alike: counted as 支部定级.
        entries = {(ids[code], rated_on): tier for (code, rated_on), (tier, _s, _r) in tiers(run).items()}
        existing = {(o, d): (i, t) for i, o, d, t in TierRating.objects.values_list(
            "id", "organization_id", "rated_on", "tier").iterator(chunk_size=5000)}
        create, update = [], []
        for (org_id, rated_on), tier in entries.items():
            found = existing.get((org_id, rated_on))
            if found is None:
                create.append((org_id, rated_on, tier))
                run.report.count(self.name, "new")
            elif found[1] != tier:
                update.append(TierRating(id=found[0], tier=tier))
                run.report.count(self.name, "updated")
            else:
                run.report.count(self.name, "unchanged")
        if not run.dry_run:
            insert_rows(TierRating, ["organization_id", "rated_on", "tier"], create)
            TierRating.objects.bulk_update(update, ["tier"], batch_size=BATCH)
            run.touch("orgs.organization", (org_id for org_id, _d, _t in create))
            run.touch("orgs.organization", (org_id for (org_id, _d), tier in entries.items()
                                            if (found := existing.get((org_id, _d))) and found[1] != tier))


register(OrgSheet())
register(TierSheet())
