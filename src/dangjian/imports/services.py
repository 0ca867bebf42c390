"""Importing a workbook (CONTRACT §2): validate everything, then write everything, or nothing.

Two passes over a streamed workbook keep memory bounded:

1. *validate*: every row of every sheet is checked and every error collected, with
   sheet, row (as Excel numbers it), column and a Chinese message. Only keys and
   codes are kept, to find duplicates, dangling references and cycles.
2. *apply* (only when pass 1 found nothing): inside one transaction each sheet is
   read again and synchronised with the database in batches: new keys are created,
   changed records updated, identical ones left alone, so a second import of the
   same data writes nothing. ``--dry-run`` runs the same comparison and only counts.
"""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dangjian.accounts.scope import subtrees_q
from dangjian.audit.services import record
from dangjian.contacts.models import Activity, ContactLink
from dangjian.orgs.models import Organization, OrgKind, TierRating
from dangjian.orgs.pinyin import initials
from dangjian.people.models import Person, Post
from dangjian.problems.models import Problem, ProblemStatus, VolunteerTeam

from .reader import Source
from .spec import INSTRUCTIONS_SHEET, SHEETS, SHEETS_BY_NAME, clean_cell

BATCH = 2000


@dataclass(frozen=True, order=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        return f"{self.sheet}, {self.row}, {self.column}, {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # sheet -> Counter(new, updated, unchanged)

    @property
    def ok(self):
        return not self.errors

    def count(self, sheet, what, n=1):
        self.counts.setdefault(sheet, Counter({"new": 0, "updated": 0, "unchanged": 0}))[what] += n

    def as_dict(self):
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "errors": [e.__dict__ for e in sorted(self.errors, key=_error_order)],
            "warnings": [w.__dict__ for w in self.warnings],
            "counts": {s: dict(c) for s, c in self.counts.items()},
        }


SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}


def _error_order(e):
    return (SHEET_ORDER.get(e.sheet, 99), e.row, e.column, e.message)


def _fmt_key_date(d):
    return d.isoformat() if d else "（空）"


class Importer:
    def __init__(self, path, dry_run=False, actor=None, within=None, within_label="", display_name="",
                 audit_org=None):
        """``within``: the paths of the subtrees the importing user manages (None: the whole tree).

        Every organization the workbook creates, changes or refers to must then lie in one of
        them, and so must every existing problem and changed person it touches; each row that
        reaches outside is an error like any other, and nothing is written.
        """
        self.source = Source(path, display_name)
        self.display_name = display_name or self.source.path.name
        self.audit_org = audit_org  # where the import's audit event is filed, so supervisors there see it
        self.within = None if within is None else tuple(within)
        self.within_label = within_label
        self.report = ImportReport(dry_run=dry_run)
        self.dry_run = dry_run
        self.actor = actor
        # Filled by validation and kept for writing.
        self.orgs = {}  # code -> dict(row, name, parent, kind, domain)
        self.tiers = {}  # (code, date) -> (tier, sheet, row)
        self.person_codes = {}
        self._db_orgs = None  # code -> (id, path, kind)
        self._db_people = None
        self._warned = set()  # (sheet, column) already warned about
        self._in_scope = {}  # code -> bool, for ``within``
        self._db_by_path = None  # path -> code of the database's organizations, when first needed

    # ----- helpers ---------------------------------------------------------------
    def error(self, sheet, row, column, message):
        self.report.errors.append(RowError(sheet, row, column, message))

    @property
    def db_orgs(self):
        if self._db_orgs is None:
            self._db_orgs = {c: (i, p, k) for i, c, p, k in
                             Organization.objects.values_list("id", "code", "path", "kind").iterator(chunk_size=5000)}
        return self._db_orgs

    @property
    def db_people(self):
        if self._db_people is None:
            self._db_people = set(Person.objects.values_list("code", flat=True).iterator(chunk_size=5000))
        return self._db_people

    def org_kind(self, code):
        if code in self.orgs:
            return self.orgs[code]["kind"]
        found = self.db_orgs.get(code)
        return found[2] if found else None

    def rows(self, sheet):
        """Yield (row, values, errors) for the data rows of one sheet, cells checked."""
        spec = SHEETS_BY_NAME[sheet]
        header = None
        for number, cells in self._source_rows(sheet):
            if header is None:
                header = {}
                for i, name in enumerate(cells):
                    name = str(name).strip() if name else ""
                    if not name:
                        continue
                    if name in spec.column_names:
                        header[name] = i
                    elif (sheet, name) not in self._warned:  # a sheet is read more than once
                        self._warned.add((sheet, name))
                        self.report.warnings.append(RowError(sheet, number, name, "未知列，已忽略"))
                missing = [c.name for c in spec.columns if c.required and c.name not in header]
                for name in missing:
                    self.error(sheet, number, name, "缺少必填列")
                continue
            if not any(c not in ("", None) for c in cells):
                continue
            values, errors = {}, []
            for column in spec.columns:
                i = header.get(column.name)
                raw = cells[i] if i is not None and i < len(cells) else ""
                if i is None and column.required:
                    # Reported once for the header: the row is marked bad without a message of its
                    # own, and its other cells and its key are still checked (no cascade of errors
                    # about codes this sheet does hold).
                    values[column.name] = None
                    errors.append((column.name, None))
                    continue
                value, message = clean_cell(column, raw)
                values[column.name] = value
                if message:
                    errors.append((column.name, message))
            yield number, values, errors

    def _source_rows(self, sheet):
        """The raw rows of one sheet; a file that cannot be read as text is an error, not a crash."""
        number = 0
        try:
            for number, cells in self.source.rows(sheet):
                yield number, cells
        except UnicodeDecodeError:
            self.error(sheet, number + 1, "", "文件不是 UTF-8 编码，请另存为“CSV UTF-8（逗号分隔）”后再导入")
        except csv.Error as exc:
            self.error(sheet, number + 1, "", f"CSV 格式错误：{exc}")

    def sheets_present(self):
        present = [s.name for s in SHEETS if s.name in self.source.sheet_names]
        for name in self.source.sheet_names:
            if name not in SHEETS_BY_NAME and name != INSTRUCTIONS_SHEET:
                self.report.warnings.append(RowError(name, 1, "", "未知工作表，已忽略"))
        return present

    # ----- pass 1: validate ------------------------------------------------------
    def validate(self):
        present = self.sheets_present()
        checks = {
            "组织": self._validate_orgs, "支部定级": self._validate_tiers, "人员": self._validate_people,
            "任职": self._validate_posts, "联系点": self._validate_links, "活动": self._validate_activities,
            "民生问题": self._validate_problems,
        }
        for sheet in present:
            checks[sheet](sheet)
        return self.report.ok

    def _report_cells(self, sheet, number, errors):
        for column, message in errors:
            if message is not None:  # None: a missing required column, reported at row 1
                self.error(sheet, number, column, message)
        return bool(errors)

    def _check_org_ref(self, sheet, number, code, column="组织编码", scoped=True):
        if code is not None and code not in self.orgs and code not in self.db_orgs:
            self.error(sheet, number, column, f"组织编码“{code}”在文件和数据库中都不存在")
            return False
        if scoped and code is not None and not self.in_scope(code):
            self.out_of_scope(sheet, number, column, f"组织“{code}”")
            return False
        return True

    # ----- the importing user's scope --------------------------------------------
    def in_scope(self, code):
        """Whether organization ``code`` lies inside ``within`` (where it is now, or for a new one, where it goes)."""
        if self.within is None:
            return True
        if code in self._in_scope:
            return self._in_scope[code]
        self._in_scope[code] = False  # a cycle (reported elsewhere) is not in scope
        found = self.db_orgs.get(code)
        if found is not None:
            result = found[1].startswith(self.within)
        elif code in self.orgs:
            parent = self.orgs[code]["parent"]
            result = parent is not None and parent != code and self.in_scope(parent)
        else:
            result = False
        self._in_scope[code] = result
        return result

    def out_of_scope(self, sheet, number, column, what):
        where = f"（{self.within_label}）" if self.within_label else ""
        self.error(sheet, number, column, f"{what}不在您管理的范围内{where}，不能导入")

    def _db_parent_code(self, code):
        """The code of the parent ``code`` has in the database (None: unknown, or a top-level organization)."""
        found = self.db_orgs.get(code)
        if found is None or len(found[1]) <= Organization.steplen:
            return None
        if self._db_by_path is None:
            self._db_by_path = {p: c for c, (_, p, _) in self.db_orgs.items()}
        return self._db_by_path.get(found[1][:-Organization.steplen])

    def _check_person_ref(self, sheet, number, code):
        if code is not None and code not in self.person_codes and code not in self.db_people:
            self.error(sheet, number, "人员编号", f"人员编号“{code}”在文件和数据库中都不存在")
            return False
        return True

    def _validate_orgs(self, sheet):
        for number, v, errors in self.rows(sheet):
            self._report_cells(sheet, number, errors)
            code = v["组织编码"]
            if code is None:
                continue
            if code in self.orgs:
                self.error(sheet, number, "组织编码", f"组织编码“{code}”与第 {self.orgs[code]['row']} 行重复")
                continue
            kind = v["组织类型"]
            if kind == OrgKind.BRANCH and v["所属领域"] is None and not any(c == "所属领域" for c, _ in errors):
                self.error(sheet, number, "所属领域", "党支部必须填写所属领域")
            if v["支部等次"] is not None and kind is not None and kind != OrgKind.BRANCH:
                self.error(sheet, number, "支部等次", "只有党支部可以填写支部等次")
            if v["支部等次"] is None and v["定级日期"] is not None:
                self.error(sheet, number, "定级日期", "填写了定级日期但未填写支部等次")
            if v["上级组织编码"] == code:
                self.error(sheet, number, "上级组织编码", "上级组织不能是本组织")
            self.orgs[code] = {"row": number, "name": v["组织名称"], "parent": v["上级组织编码"],
                               "kind": kind, "domain": v["所属领域"] or ""}
            if v["支部等次"] is not None:
                self.tiers[(code, v["定级日期"])] = (v["支部等次"], sheet, number)
        # References and cycles can only be judged once every row is known.
        for code, org in self.orgs.items():
            parent = org["parent"]
            if self.within is not None and code in self.db_orgs and not self.in_scope(code):
                self.out_of_scope(sheet, org["row"], "组织编码", f"组织“{code}”")
                continue
            # An organization in scope keeps the parent it has (a subtree's own root lies under an
            # organization outside it); a new parent, or a new organization's, must be in scope.
            keeps_parent = code in self.db_orgs and parent == self._db_parent_code(code)
            if parent is not None and parent != code:
                self._check_org_ref(sheet, org["row"], parent, "上级组织编码", scoped=not keeps_parent)
            elif parent is None and self.within is not None and not keeps_parent:
                self.out_of_scope(sheet, org["row"], "上级组织编码", "顶级组织")
        state = {}  # code -> 1 visiting, 2 done
        for start in self.orgs:
            chain, code = [], start
            while code is not None and state.get(code) is None:
                state[code] = 1
                chain.append(code)
                if code in self.orgs:
                    code = self.orgs[code]["parent"]
                else:
                    code = self._db_parent_code(code)
            if code is not None and state.get(code) == 1 and code in chain:
                cycle = chain[chain.index(code):]
                names = " → ".join(cycle + [code])
                for member in cycle:
                    if member in self.orgs and self.orgs[member]["parent"] != member:
                        self.error(sheet, self.orgs[member]["row"], "上级组织编码", f"组织树出现循环：{names}")
            for c in chain:
                state[c] = 2

    def _validate_tiers(self, sheet):
        seen = {}
        for number, v, errors in self.rows(sheet):
            if self._report_cells(sheet, number, errors):
                continue
            code, tier, rated_on = v["组织编码"], v["支部等次"], v["定级日期"]
            if not self._check_org_ref(sheet, number, code):
                continue
            kind = self.org_kind(code)
            if kind is None:  # the 组织 row's own 组织类型 is in error, and reported there
                continue
            if kind != OrgKind.BRANCH:
                self.error(sheet, number, "组织编码", f"“{code}”不是党支部，不能定级")
                continue
            key = (code, rated_on)
            if key in seen:
                self.error(sheet, number, "定级日期",
                           f"{code} 在 {_fmt_key_date(rated_on)} 的定级与第 {seen[key]} 行重复")
                continue
            seen[key] = number
            other = self.tiers.get(key)
            if other and other[0] != tier:
                self.error(sheet, number, "支部等次",
                           f"与“{other[1]}”第 {other[2]} 行同日定级的等次不一致")
                continue
            self.tiers[key] = (tier, sheet, number)

    def _validate_people(self, sheet):
        rows = {}  # code -> (row, values) for ``within``
        id_cards = {}  # 身份证号 -> first row: the same number twice is most likely a typing slip
        for number, v, errors in self.rows(sheet):
            self._report_cells(sheet, number, errors)
            code = v["人员编号"]
            if code is None:
                continue
            card = v["身份证号"]
            if card:
                if card in id_cards:
                    self.report.warnings.append(RowError(sheet, number, "身份证号",
                                                         f"与第 {id_cards[card]} 行的身份证号相同，请核对"))
                else:
                    id_cards[card] = number
            if code in self.person_codes:
                self.error(sheet, number, "人员编号", f"人员编号“{code}”与第 {self.person_codes[code]} 行重复")
                continue
            self.person_codes[code] = number
            if self.within is not None and code in self.db_people:
                rows[code] = (number, (v["姓名"], v["身份证号"] or "", v["手机号"] or ""))
        # A person who holds any post or link outside the importer's scope belongs (also) to someone
        # else: they may be listed (to give them a post here), not changed.
        for chunk in _chunks(list(rows), 500):
            for code, *values in (Person.objects.filter(code__in=chunk).filter(self._held_elsewhere())
                                  .values_list("code", "name", "id_card", "mobile")):
                number, wanted = rows[code]
                if tuple(values) != wanted:
                    self.out_of_scope(sheet, number, "人员编号", f"人员“{code}”")

    def _held_elsewhere(self):
        """Persons with a current post or contact link at an organization outside ``within``."""
        inside = subtrees_q(self.within, "organization__path")
        current = Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())  # history does not bind
        return (Exists(Post.objects.exclude(inside).filter(current, person=OuterRef("pk")))
                | Exists(ContactLink.objects.exclude(inside).filter(current, person=OuterRef("pk"))))

    def _validate_dated(self, sheet, key_columns, start, end, end_message):
        seen = {}
        for number, v, errors in self.rows(sheet):
            bad = self._report_cells(sheet, number, errors)
            bad |= not self._check_person_ref(sheet, number, v["人员编号"])
            bad |= not self._check_org_ref(sheet, number, v["组织编码"])
            if v[start] and v[end] and v[end] < v[start]:
                self.error(sheet, number, end, end_message)
                bad = True
            if bad:
                continue
            key = tuple(v[c] for c in key_columns)
            if key in seen:
                self.error(sheet, number, key_columns[-1], f"与第 {seen[key]} 行重复（{'、'.join(key_columns)} 相同）")
            else:
                seen[key] = number

    def _validate_posts(self, sheet):
        self._validate_dated(sheet, ("人员编号", "组织编码", "职务", "任职日期"), "任职日期", "免职日期",
                             "免职日期早于任职日期")

    def _validate_links(self, sheet):
        self._validate_dated(sheet, ("人员编号", "组织编码", "联系类型", "开始日期"), "开始日期", "结束日期",
                             "结束日期早于开始日期")

    def _validate_activities(self, sheet):
        seen = {}
        for number, v, errors in self.rows(sheet):
            bad = self._report_cells(sheet, number, errors)
            bad |= not self._check_person_ref(sheet, number, v["人员编号"])
            bad |= not self._check_org_ref(sheet, number, v["组织编码"])
            if bad:
                continue
            key = (v["人员编号"], v["组织编码"], v["活动日期"], v["活动类型"], v["内容"] or "")
            if key in seen:
                self.error(sheet, number, "内容", f"与第 {seen[key]} 行完全相同（重复的活动记录）")
            else:
                seen[key] = number

    def _validate_problems(self, sheet):
        seen = {}
        for number, v, errors in self.rows(sheet):
            self._report_cells(sheet, number, errors)
            self._check_org_ref(sheet, number, v["组织编码"])
            code = v["问题编号"]
            status, done_on, found_on = v["状态"], v["办结日期"], v["发现日期"]
            if status == ProblemStatus.DONE and done_on is None and not any(c == "办结日期" for c, _ in errors):
                self.error(sheet, number, "办结日期", "状态为“已办结”时必须填写办结日期")
            if status is not None and status != ProblemStatus.DONE and done_on is not None:
                self.error(sheet, number, "办结日期", "只有“已办结”的问题才能填写办结日期")
            if done_on and found_on and done_on < found_on:
                self.error(sheet, number, "办结日期", "办结日期早于发现日期")
            if code is not None:
                if code in seen:
                    self.error(sheet, number, "问题编号", f"问题编号“{code}”与第 {seen[code]} 行重复")
                else:
                    seen[code] = number
        if self.within is not None:  # a problem recorded outside the scope cannot be taken over
            inside = subtrees_q(self.within, "organization__path")
            for chunk in _chunks(list(seen), 500):
                outside = Problem.objects.filter(code__in=chunk).exclude(inside).values_list("code", flat=True)
                for code in outside:
                    self.out_of_scope(sheet, seen[code], "问题编号", f"问题“{code}”")

    # ----- pass 2: apply ---------------------------------------------------------
    def apply(self):
        present = set(self.sheets_present_quiet())
        if "组织" in present:
            self._apply_orgs()
        if self.tiers:
            self._apply_tiers()
        self.org_ids = self._code_ids(Organization, self.orgs)
        if "人员" in present:
            self._apply_people()
        self.person_ids = self._code_ids(Person, self.person_codes)
        if "任职" in present:
            self._sync_sheet("任职", Post, ("person_id", "organization_id", "role", "start_date"), ("end_date",),
                             lambda v: ((self.person_ids[v["人员编号"]], self.org_ids[v["组织编码"]], v["职务"],
                                         v["任职日期"]), (v["免职日期"],)))
        if "联系点" in present:
            self._sync_sheet("联系点", ContactLink, ("person_id", "organization_id", "kind", "start_date"),
                             ("end_date",),
                             lambda v: ((self.person_ids[v["人员编号"]], self.org_ids[v["组织编码"]], v["联系类型"],
                                         v["开始日期"]), (v["结束日期"],)))
        if "活动" in present:
            self._sync_sheet("活动", Activity, ("person_id", "organization_id", "date", "kind", "content"), (),
                             lambda v: ((self.person_ids[v["人员编号"]], self.org_ids[v["组织编码"]], v["活动日期"],
                                         v["活动类型"], v["内容"] or ""), ()))
        if "民生问题" in present:
            self._apply_problems()

    def sheets_present_quiet(self):
        return [s.name for s in SHEETS if s.name in self.source.sheet_names]

    def _code_ids(self, model, file_codes):
        ids = dict(model.objects.values_list("code", "id").iterator(chunk_size=5000))
        if self.dry_run:  # records that would be new get stand-in ids that match nothing
            for i, code in enumerate(c for c in file_codes if c not in ids):
                ids[code] = -(i + 1)
        return ids

    def _apply_orgs(self):
        sheet = "组织"
        steplen = Organization.steplen
        existing = {c: list(v) for c, v in self.db_orgs.items()}
        by_path = {v[1]: c for c, v in existing.items()}
        current = {c: (n, k, d) for c, n, k, d in
                   Organization.objects.values_list("code", "name", "kind", "domain").iterator(chunk_size=5000)}

        def db_parent(code):
            path = existing[code][1]
            return by_path.get(path[:-steplen]) if len(path) > steplen else None

        # Updates of existing organizations.
        moves, updates = [], []
        for code, org in self.orgs.items():
            if code not in existing:
                continue
            changed = current[code] != (org["name"], org["kind"], org["domain"])
            if db_parent(code) != org["parent"]:
                moves.append(code)
                changed = True
            if changed:
                updates.append(code)
            self.report.count(sheet, "updated" if changed else "unchanged")
        new_codes = [c for c in self.orgs if c not in existing]
        self.report.count(sheet, "new", len(new_codes))
        if self.dry_run:
            return

        # New organizations: parents first, each appended after its parent's last child.
        last_step = defaultdict(int)
        for path in by_path:
            parent = path[:-steplen]
            last_step[parent] = max(last_step[parent], Organization._str2int(path[-steplen:]))
        paths = {c: v[1] for c, v in existing.items()}
        ordered, placed = [], set()

        def place(code):
            stack = [code]
            while stack:
                c = stack[-1]
                parent = self.orgs[c]["parent"]
                if parent is not None and parent not in paths and parent not in placed:
                    stack.append(parent)
                    continue
                stack.pop()
                if c in placed:
                    continue
                parent_path = paths[parent] if parent is not None else ""
                last_step[parent_path] += 1
                depth = len(parent_path) // steplen + 1
                paths[c] = Organization._get_path(parent_path, depth, last_step[parent_path])
                placed.add(c)
                ordered.append(c)

        for code in new_codes:
            if code not in placed:
                place(code)
        batch = []
        for code in ordered:
            org = self.orgs[code]
            batch.append(Organization(
                code=code, name=org["name"], kind=org["kind"], domain=org["domain"], path=paths[code],
                depth=len(paths[code]) // steplen, numchild=0, name_initials=initials(org["name"])))
            if len(batch) >= BATCH:
                Organization.objects.bulk_create(batch)
                batch = []
        if batch:
            Organization.objects.bulk_create(batch)

        # Changed names, kinds, domains; then moves under the new parents.
        changed, now = [], timezone.now()
        for code in updates:
            org = self.orgs[code]
            changed.append(Organization(id=existing[code][0], name=org["name"], kind=org["kind"],
                                        domain=org["domain"], name_initials=initials(org["name"]), updated_at=now))
        Organization.objects.bulk_update(changed, ["name", "kind", "domain", "name_initials", "updated_at"],
                                         batch_size=BATCH)
        # Parents before children in the final tree: each move's target then already has its final
        # ancestry, which cannot include the node moved (no cycles), so no move goes into its own subtree.
        depth = {}

        def final_depth(code):
            chain = []
            while code is not None and code not in depth:
                chain.append(code)
                code = self.orgs[code]["parent"] if code in self.orgs else db_parent(code)
            d = depth.get(code, 0)
            for c in reversed(chain):
                d += 1
                depth[c] = d
            return depth[chain[0]] if chain else d

        moves.sort(key=final_depth)
        for code in moves:
            node = Organization.objects.get(code=code)
            parent = self.orgs[code]["parent"]
            if parent is None:
                Organization.objects.move(node, Organization.objects.get_last_root_node(), "last-sibling")
            else:
                Organization.objects.move(node, Organization.objects.get(code=parent), "last-child")
        if new_codes or moves:
            self._recount_children()
        self._db_orgs = None

    @staticmethod
    def _recount_children():
        steplen = Organization.steplen
        rows = list(Organization.objects.values_list("id", "path", "numchild").iterator(chunk_size=10000))
        counts = Counter(path[:-steplen] for _, path, _ in rows if len(path) > steplen)
        stale = [Organization(id=i, numchild=counts.get(p, 0)) for i, p, n in rows if counts.get(p, 0) != n]
        Organization.objects.bulk_update(stale, ["numchild"], batch_size=BATCH)

    def _apply_tiers(self):
        org_ids = self._code_ids(Organization, self.orgs)
        entries = {}
        for (code, rated_on), (tier, _sheet, _row) in self.tiers.items():
            # Tier entries come from 组织 rows and 支部定级 rows alike: counted as 支部定级.
            entries[(org_ids[code], rated_on)] = (tier, "支部定级")
        existing = {(o, d): (i, t) for i, o, d, t in
                    TierRating.objects.values_list("id", "organization_id", "rated_on", "tier").iterator(chunk_size=5000)}
        create, update = [], []
        for (org_id, rated_on), (tier, sheet) in entries.items():
            found = existing.get((org_id, rated_on))
            if found is None:
                create.append(TierRating(organization_id=org_id, rated_on=rated_on, tier=tier))
                self.report.count(sheet, "new")
            elif found[1] != tier:
                update.append(TierRating(id=found[0], tier=tier))
                self.report.count(sheet, "updated")
            else:
                self.report.count(sheet, "unchanged")
        if not self.dry_run:
            TierRating.objects.bulk_create(create, batch_size=BATCH)
            TierRating.objects.bulk_update(update, ["tier"], batch_size=BATCH)

    def _apply_people(self):
        self._sync_sheet("人员", Person, ("code",), ("name", "id_card", "mobile"),
                         lambda v: ((v["人员编号"],), (v["姓名"], v["身份证号"] or "", v["手机号"] or "")))

    def _apply_problems(self):
        teams = dict(VolunteerTeam.objects.values_list("name", "id"))
        wanted = set()
        for _, v, _ in self.rows("民生问题"):
            if v["服务队"] and v["服务队"] not in teams:
                wanted.add(v["服务队"])
        if wanted:
            self.report.count("服务队", "new", len(wanted))
            if self.dry_run:
                teams.update({name: -(i + 1) for i, name in enumerate(sorted(wanted))})
            else:
                VolunteerTeam.objects.bulk_create([VolunteerTeam(name=n) for n in sorted(wanted)])
                teams = dict(VolunteerTeam.objects.values_list("name", "id"))
        self._sync_sheet(
            "民生问题", Problem, ("code",),
            ("organization_id", "category", "description", "found_on", "status", "completed_on", "team_id"),
            lambda v: ((v["问题编号"],), (self.org_ids[v["组织编码"]], v["问题类别"], v["问题描述"], v["发现日期"],
                                      v["状态"], v["办结日期"], teams.get(v["服务队"]) if v["服务队"] else None)))

    def _sync_sheet(self, sheet, model, key_fields, value_fields, convert):
        """Create new keys, update changed values, leave identical records alone."""
        existing = {}
        for row in model.objects.values_list("id", *key_fields, *value_fields).iterator(chunk_size=10000):
            existing[row[1:1 + len(key_fields)]] = (row[0], row[1 + len(key_fields):])
        create, update = [], []
        # bulk_update skips auto_now: a changed record gets its new 更新时间 here.
        stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        update_fields = [*value_fields, "updated_at"] if stamped else list(value_fields)
        extra = {"updated_at": timezone.now()} if stamped else {}
        for _, v, _ in self.rows(sheet):
            key, values = convert(v)
            found = existing.get(key)
            if found is None:
                self.report.count(sheet, "new")
                if not self.dry_run:
                    create.append(model(**dict(zip(key_fields, key)), **dict(zip(value_fields, values))))
                    if len(create) >= BATCH:
                        model.objects.bulk_create(create)
                        create = []
            elif found[1] != values:
                self.report.count(sheet, "updated")
                if not self.dry_run:
                    update.append(model(id=found[0], **dict(zip(value_fields, values)), **extra))
                    if len(update) >= BATCH:
                        model.objects.bulk_update(update, update_fields)
                        update = []
            else:
                self.report.count(sheet, "unchanged")
        if not self.dry_run:
            if create:
                model.objects.bulk_create(create)
            if update:
                model.objects.bulk_update(update, update_fields)

    # ----- the whole import -------------------------------------------------------
    def run(self):
        if not self.validate():
            self.report.errors.sort(key=_error_order)
            return self.report
        with transaction.atomic():
            self.apply()
            if self.report.errors:  # the file changed between the passes and no longer reads
                transaction.set_rollback(True)
                self.report.errors.sort(key=_error_order)
                return self.report
            changed = any(c["new"] or c["updated"] for c in self.report.counts.values())
            if changed and not self.dry_run:  # importing the same data again writes nothing at all
                changes = {s: dict(c) for s, c in self.report.counts.items()}
                record("workbook imported", actor=self.actor, label="" if self.actor else "命令行导入",
                       organization=self.audit_org,
                       after={"file": self.display_name, "counts": changes})
                refresh_statistics()
        return self.report


IMPORTED_TABLES = [m._meta.db_table for m in (Organization, TierRating, Person, Post, ContactLink, Activity,
                                              Problem, VolunteerTeam)]


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def refresh_statistics():
    """Refresh the planner's statistics after a bulk load.

    Right after a large import the tables' statistics describe the old data, and the
    planners then pick nested loops where hash joins belong: on PostgreSQL a province's
    check went from 20 s to 0.5 s with fresh statistics. Both databases allow this
    inside the import's transaction.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(IMPORTED_TABLES))
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")  # sampled statistics: fast on large tables
            for table in IMPORTED_TABLES:
                cursor.execute(f'ANALYZE "{table}"')


def import_workbook(path, dry_run=False, actor=None):
    return Importer(path, dry_run=dry_run, actor=actor).run()
