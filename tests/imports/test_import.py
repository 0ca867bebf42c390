"""``dangjian import`` end to end (CONTRACT §1–§2): what a user loading a workbook sees."""

import datetime
import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection

from dangjian.audit.models import AuditEvent
from dangjian.contacts.models import Activity, ContactLink
from dangjian.orgs.models import Organization, TierRating
from dangjian.people.models import Person, Post
from dangjian.problems.models import Problem, VolunteerTeam
from tests.workbooks import ID_ZHANG, add_row, base, col, set_cell, write_csv, write_xlsx

BASE_HEADERS = {sheet: rows[0] for sheet, rows in base().items()}


# ----- helpers -------------------------------------------------------------------------

def snapshot(exclude=()):
    """Every row of every table, so that "nothing written" can be checked exactly."""
    data = {}
    with connection.cursor() as cur:
        for table in sorted(connection.introspection.table_names(cur)):
            if table in exclude:
                continue
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            data[table] = sorted(cur.fetchall(), key=repr)
    return data


def _iso(d):
    return d.isoformat() if d else None


def content():
    """The database as a user sees it: natural keys and labels, no ids or timestamps."""
    orgs = list(Organization.objects.all())
    code_of = {o.path: o.code for o in orgs}
    step = Organization.steplen
    return {
        "组织": {(o.code, o.name, code_of.get(o.path[:-step]), o.get_kind_display(), o.get_domain_display())
                for o in orgs},
        "定级": {(t.organization.code, t.get_tier_display(), _iso(t.rated_on))
                for t in TierRating.objects.select_related("organization")},
        "人员": {(p.code, p.name, p.id_card, p.mobile) for p in Person.objects.all()},
        "任职": {(p.person.code, p.organization.code, p.get_role_display(), _iso(p.start_date), _iso(p.end_date))
                for p in Post.objects.select_related("person", "organization")},
        "联系点": {(x.person.code, x.organization.code, x.get_kind_display(), _iso(x.start_date), _iso(x.end_date))
                 for x in ContactLink.objects.select_related("person", "organization")},
        "活动": sorted((a.person.code, a.organization.code, _iso(a.date), a.get_kind_display(), a.content)
                     for a in Activity.objects.select_related("person", "organization")),
        "民生问题": {(p.code, p.organization.code, p.category, p.description, _iso(p.found_on),
                  p.get_status_display(), _iso(p.completed_on), p.team.name if p.team else None)
                 for p in Problem.objects.select_related("organization", "team")},
    }


SEED = {"D1", "D2", "D3", "D4", "P900", "Q1"}


def file_part(c):
    """``content()`` without the rows of the ``existing`` fixture."""
    def keep(row):
        return not SEED & {x for x in row if isinstance(x, str)}
    return {k: (sorted if isinstance(v, list) else set)(r for r in v if keep(r)) for k, v in c.items()}


def expected_content(book):
    """What importing ``book`` into an empty database must give."""
    def rows(sheet):
        header, *data = book.get(sheet, [[]])
        return [dict(zip(header, r)) for r in data if any(r)]

    def n(v):
        return v or None

    tiers = {(r["组织编码"], r["支部等次"], n(r["定级日期"])) for r in rows("组织") if r["支部等次"]}
    tiers |= {(r["组织编码"], r["支部等次"], n(r["定级日期"])) for r in rows("支部定级")}
    return {
        "组织": {(r["组织编码"], r["组织名称"], n(r["上级组织编码"]), r["组织类型"], r["所属领域"]) for r in rows("组织")},
        "定级": tiers,
        "人员": {(r["人员编号"], r["姓名"], r["身份证号"], r["手机号"]) for r in rows("人员")},
        "任职": {(r["人员编号"], r["组织编码"], r["职务"], n(r["任职日期"]), n(r["免职日期"])) for r in rows("任职")},
        "联系点": {(r["人员编号"], r["组织编码"], r["联系类型"], n(r["开始日期"]), n(r["结束日期"])) for r in rows("联系点")},
        "活动": sorted((r["人员编号"], r["组织编码"], r["活动日期"], r["活动类型"], r["内容"]) for r in rows("活动")),
        "民生问题": {(r["问题编号"], r["组织编码"], r["问题类别"], r["问题描述"], r["发现日期"], r["状态"],
                  n(r["办结日期"]), n(r["服务队"])) for r in rows("民生问题")},
    }


def run_import(path, *args):
    """A successful import: (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("importbook", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def parse_errors(stderr):
    """The ``sheet, row, column, message`` lines after the header line."""
    lines = stderr.splitlines()
    assert "工作表, 行, 列, 说明" in lines, stderr
    errors = []
    for line in lines[lines.index("工作表, 行, 列, 说明") + 1:]:
        sheet, row, column, message = line.split(", ", 3)
        errors.append((sheet, int(row), column, message))
    return errors


def reject(path, *args):
    """An import that must be refused with exit status 1: its errors as (sheet, row, column, message)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("importbook", str(path), *args, stdout=out, stderr=err)
    assert exc.value.code == 1
    return parse_errors(err.getvalue())


COUNT_LINE = re.compile(r"^\s+(\S+)：新增 (\d+)，更新 (\d+)，不变 (\d+)$")


def counts(stdout):
    """{sheet: (new, updated, unchanged)} from the command's summary."""
    found = {}
    for line in stdout.splitlines():
        m = COUNT_LINE.match(line)
        if m:
            found[m[1]] = tuple(int(x) for x in m.groups()[1:])
    return found


def tree_ok():
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def org(code):
    return Organization.objects.get(code=code)


def parent_of(code):
    node = org(code)
    return None if node.is_root() else Organization.objects.get_parent(node).code


@pytest.fixture
def existing(tree):
    """A database already holding a small tree and its records."""
    tree.org("D1", kind="党委", name="既有党委")
    tree.org("D3", "D1", kind="党总支")
    tree.org("D4", "D3", tiers=[("中间", None)])
    tree.org("D2", "D1", tiers=[("后进", "2025-06-01")])
    tree.post("P900", "D1", "书记", start="2020-01-01")
    tree.link("P900", "D2", "联系支部", start="2025-01-01")
    tree.visit("P900", "D2", "2026-01-10")
    tree.problem("Q1", "D2", "环境整治")
    return tree


# ----- rejected input ------------------------------------------------------------------

def S(sheet, row, column, value):
    return lambda b: set_cell(b, sheet, row, column, value)


def A(sheet, **values):
    return lambda b: add_row(b, sheet, **values)


def DROP(sheet, column):
    def drop(b):
        i = col(b, sheet, column)
        b[sheet] = [r[:i] + r[i + 1:] for r in b[sheet]]
    return drop


ORG = dict(组织名称="新组织", 组织类型="党委")

INVALID = [
    # missing required value
    ("required-org-name", [S("组织", 4, "组织名称", "")], [("组织", 4, "组织名称")]),
    ("required-org-kind", [S("组织", 6, "组织类型", "")], [("组织", 6, "组织类型")]),
    ("required-name", [S("人员", 3, "姓名", "")], [("人员", 3, "姓名")]),
    ("required-role", [S("任职", 2, "职务", "")], [("任职", 2, "职务")]),
    ("required-link-kind", [S("联系点", 3, "联系类型", "")], [("联系点", 3, "联系类型")]),
    ("required-activity-date", [S("活动", 2, "活动日期", "")], [("活动", 2, "活动日期")]),
    ("required-problem-text", [S("民生问题", 3, "问题描述", "")], [("民生问题", 3, "问题描述")]),
    ("required-found-on", [S("民生问题", 4, "发现日期", "")], [("民生问题", 4, "发现日期")]),
    ("required-tier", [S("支部定级", 2, "支部等次", "")], [("支部定级", 2, "支部等次")]),
    ("required-domain-of-branch", [S("组织", 5, "所属领域", "")], [("组织", 5, "所属领域")]),
    # unknown choice
    ("choice-org-kind", [S("组织", 7, "组织类型", "党小组")], [("组织", 7, "组织类型")]),
    ("choice-domain", [S("组织", 5, "所属领域", "农村")], [("组织", 5, "所属领域")]),
    ("choice-org-tier", [S("组织", 6, "支部等次", "优秀")], [("组织", 6, "支部等次")]),
    ("choice-tier", [S("支部定级", 3, "支部等次", "良好")], [("支部定级", 3, "支部等次")]),
    ("choice-role", [S("任职", 3, "职务", "主任")], [("任职", 3, "职务")]),
    ("choice-link-kind", [S("联系点", 2, "联系类型", "联系村")], [("联系点", 2, "联系类型")]),
    ("choice-activity-kind", [S("活动", 3, "活动类型", "走访")], [("活动", 3, "活动类型")]),
    ("choice-status", [S("民生问题", 3, "状态", "已完成")], [("民生问题", 3, "状态")]),
    # bad date
    ("date-feb-30", [S("任职", 2, "任职日期", "2026-02-30")], [("任职", 2, "任职日期")]),
    ("date-slashes", [S("联系点", 2, "开始日期", "2026/01/01")], [("联系点", 2, "开始日期")]),
    ("date-month-13", [S("活动", 3, "活动日期", "2026-13-01")], [("活动", 3, "活动日期")]),
    ("date-compact", [S("组织", 5, "定级日期", "20260101")], [("组织", 5, "定级日期")]),
    ("date-tier", [S("支部定级", 2, "定级日期", "2025-1-1")], [("支部定级", 2, "定级日期")]),
    ("date-words", [S("任职", 4, "免职日期", "去年年底")], [("任职", 4, "免职日期")]),
    ("date-found", [S("民生问题", 3, "发现日期", "2026-02-29")], [("民生问题", 3, "发现日期")]),
    # end before start
    ("post-ends-before-start", [S("任职", 4, "免职日期", "2019-12-31")], [("任职", 4, "免职日期")]),
    ("link-ends-before-start", [S("联系点", 2, "结束日期", "2025-12-31")], [("联系点", 2, "结束日期")]),
    # 办结日期
    ("done-without-date", [S("民生问题", 2, "办结日期", "")], [("民生问题", 2, "办结日期")]),
    ("date-without-done", [S("民生问题", 3, "办结日期", "2026-03-01")], [("民生问题", 3, "办结日期")]),
    ("done-before-found", [S("民生问题", 2, "办结日期", "2026-01-04")], [("民生问题", 2, "办结日期")]),
    # references to codes in neither the file nor the database
    ("ref-parent", [S("组织", 3, "上级组织编码", "77777777")], [("组织", 3, "上级组织编码")]),
    ("ref-tier-org", [S("支部定级", 3, "组织编码", "77777777")], [("支部定级", 3, "组织编码")]),
    ("ref-post-org", [S("任职", 2, "组织编码", "99999999")], [("任职", 2, "组织编码")]),
    ("ref-post-person", [S("任职", 3, "人员编号", "8888")], [("任职", 3, "人员编号")]),
    ("ref-link-person", [S("联系点", 2, "人员编号", "8888")], [("联系点", 2, "人员编号")]),
    ("ref-link-org", [S("联系点", 3, "组织编码", "D9")], [("联系点", 3, "组织编码")]),
    ("ref-activity-person", [S("活动", 2, "人员编号", "P901")], [("活动", 2, "人员编号")]),
    ("ref-activity-org", [S("活动", 3, "组织编码", "1529")], [("活动", 3, "组织编码")]),
    ("ref-problem-org", [S("民生问题", 4, "组织编码", "99999999")], [("民生问题", 4, "组织编码")]),
    # cycles
    ("cycle-in-file", [S("组织", 2, "上级组织编码", "15290101")],
     [("组织", 2, "上级组织编码"), ("组织", 3, "上级组织编码"), ("组织", 4, "上级组织编码")]),
    ("cycle-own-parent", [S("组织", 6, "上级组织编码", "15290112")], [("组织", 6, "上级组织编码")]),
    ("cycle-through-db", [A("组织", 组织编码="D1", 组织名称="既有党委", 上级组织编码="D4", 组织类型="党委")],
     [("组织", 9, "上级组织编码")]),
    ("cycle-file-db-file", [A("组织", 组织编码="15290199", 组织名称="新党总支", 上级组织编码="D3", 组织类型="党总支"),
                            A("组织", 组织编码="D1", 组织名称="既有党委", 上级组织编码="15290199", 组织类型="党委")],
     [("组织", 9, "上级组织编码"), ("组织", 10, "上级组织编码")]),
    # duplicate keys
    ("dup-org", [A("组织", 组织编码="15290111", 组织名称="重复", 上级组织编码="15290101", 组织类型="党支部",
                   所属领域="嘎查村")], [("组织", 9, "组织编码")]),
    ("dup-tier", [A("支部定级", 组织编码="15290111", 支部等次="先进", 定级日期="2025-01-01")],
     [("支部定级", 4, "定级日期")]),
    ("dup-tier-undated", [A("支部定级", 组织编码="15290121", 支部等次="先进"),
                          A("支部定级", 组织编码="15290121", 支部等次="中间")], [("支部定级", 5, "定级日期")]),
    ("dup-tier-across-sheets", [A("支部定级", 组织编码="15290111", 支部等次="先进", 定级日期="2026-01-01")],
     [("支部定级", 4, "支部等次")]),
    ("dup-person", [A("人员", 人员编号="1002", 姓名="李四")], [("人员", 5, "人员编号")]),
    ("dup-post", [A("任职", 人员编号="1002", 组织编码="15290101", 职务="委员")], [("任职", 5, "任职日期")]),
    ("dup-link", [A("联系点", 人员编号="1001", 组织编码="15290111", 联系类型="联系点", 开始日期="2026-01-01",
                    结束日期="2026-12-31")], [("联系点", 4, "开始日期")]),
    ("dup-activity", [A("活动", 人员编号="1001", 组织编码="15290111", 活动日期="2026-04-01", 活动类型="专题党课")],
     [("活动", 4, "内容")]),
    ("dup-problem", [A("民生问题", 问题编号="9001", 组织编码="15290111", 问题类别="x", 问题描述="x",
                       发现日期="2026-01-01", 状态="待办理")], [("民生问题", 5, "问题编号")]),
    # 身份证号 and 手机号
    ("idcard-check-digit", [S("人员", 2, "身份证号", ID_ZHANG[:-1] + "7")], [("人员", 2, "身份证号")]),
    ("idcard-x-wrong", [S("人员", 4, "身份证号", "110105194912310021")], [("人员", 4, "身份证号")]),
    ("idcard-length", [S("人员", 2, "身份证号", ID_ZHANG[:-1])], [("人员", 2, "身份证号")]),
    ("mobile-first-digit", [S("人员", 2, "手机号", "23800138000")], [("人员", 2, "手机号")]),
    ("mobile-short", [S("人员", 4, "手机号", "1391234567")], [("人员", 4, "手机号")]),
    ("mobile-dashes", [S("人员", 4, "手机号", "139-1234-5678")], [("人员", 4, "手机号")]),
    # tiers only for branches
    ("tier-on-committee", [S("组织", 3, "支部等次", "先进")], [("组织", 3, "支部等次")]),
    ("rating-of-committee", [A("支部定级", 组织编码="15290100", 支部等次="先进", 定级日期="2026-01-01")],
     [("支部定级", 4, "组织编码")]),
    ("rating-of-db-committee", [A("支部定级", 组织编码="D1", 支部等次="后进")], [("支部定级", 4, "组织编码")]),
    # missing required column
    ("column-name", [DROP("人员", "姓名")], [("人员", 1, "姓名")]),
    ("column-org-kind", [DROP("组织", "组织类型")], [("组织", 1, "组织类型")]),
    ("column-found-on", [DROP("民生问题", "发现日期")], [("民生问题", 1, "发现日期")]),
    ("column-role", [DROP("任职", "职务")], [("任职", 1, "职务")]),
]


@pytest.mark.parametrize("edits, expected", [pytest.param(e, x, id=i) for i, e, x in INVALID])
def test_an_invalid_row_is_rejected_naming_sheet_row_and_column_and_nothing_is_written(
        existing, tmp_path, edits, expected):
    book = base()
    for edit in edits:
        edit(book)
    write_csv(tmp_path / "book", book)
    before = snapshot()
    errors = reject(tmp_path / "book")
    assert sorted({(s, r, c) for s, r, c, _ in errors}) == sorted(expected), errors
    assert all(message for *_, message in errors)
    assert snapshot() == before


def test_the_valid_base_workbook_is_accepted(existing, tmp_path):
    """The invalid cases above each differ from this accepted workbook by one change only."""
    run_import(write_csv(tmp_path / "book", base()))
    assert Organization.objects.count() == 4 + 7


def test_every_error_in_a_file_is_listed_in_order(existing, tmp_path):
    book = base()
    set_cell(book, "人员", 2, "身份证号", ID_ZHANG[:-1] + "7")
    set_cell(book, "人员", 3, "姓名", "")
    set_cell(book, "人员", 3, "手机号", "12345")
    set_cell(book, "任职", 4, "免职日期", "2019-12-31")
    set_cell(book, "民生问题", 2, "办结日期", "")
    set_cell(book, "组织", 5, "定级日期", "2026/01/01")
    set_cell(book, "活动", 3, "组织编码", "nowhere")
    write_csv(tmp_path / "book", book)
    before = snapshot()
    errors = reject(tmp_path / "book")
    assert [(s, r, c) for s, r, c, _ in errors] == [
        ("组织", 5, "定级日期"),
        ("人员", 2, "身份证号"),
        ("人员", 3, "姓名"),
        ("人员", 3, "手机号"),
        ("任职", 4, "免职日期"),
        ("活动", 3, "组织编码"),
        ("民生问题", 2, "办结日期"),
    ]
    assert "nowhere" in errors[5][3]
    assert snapshot() == before


def test_an_error_in_an_update_of_existing_data_writes_nothing(existing, tmp_path):
    run_import(write_csv(tmp_path / "first", base()))
    book = base()
    set_cell(book, "人员", 2, "姓名", "张三丰")  # a valid update …
    set_cell(book, "组织", 4, "上级组织编码", "15290120")  # … and a valid move …
    add_row(book, "人员", 人员编号="1004", 姓名="赵六")  # … and a new row …
    set_cell(book, "民生问题", 4, "状态", "完成")  # … but one bad cell
    write_csv(tmp_path / "second", book)
    before = snapshot()
    assert [(s, r, c) for s, r, c, _ in reject(tmp_path / "second")] == [("民生问题", 4, "状态")]
    assert snapshot() == before


def test_the_console_script_exits_1_and_prints_the_errors(tmp_path):
    script = Path(sys.executable).with_name("dangjian")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = lambda *args: subprocess.run([str(script), *map(str, args)], env=env, cwd=tmp_path,  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    migrated = run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    good = run("import", write_csv(tmp_path / "good", base()))
    assert good.returncode == 0, good.stderr
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    people = db.execute("SELECT code, name, mobile_sealed FROM people_person ORDER BY code").fetchall()
    assert [(code, name, bool(m)) for code, name, m in people] == [
        ("1001", "张三", True), ("1002", "李四", False), ("1003", "王五", True)]
    assert "13800138000" not in str(people)  # sealed at rest

    book = base()
    set_cell(book, "人员", 3, "姓名", "李四四")
    set_cell(book, "人员", 4, "手机号", "2391234567")
    set_cell(book, "任职", 3, "任职日期", "2026-02-30")
    bad = run("import", write_csv(tmp_path / "bad", book))
    assert bad.returncode == 1
    assert "人员, 4, 手机号, " in bad.stderr
    assert "任职, 3, 任职日期, " in bad.stderr
    assert db.execute("SELECT code, name, mobile_sealed FROM people_person ORDER BY code").fetchall() == people
    db.close()


def test_a_missing_path_is_a_usage_error(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        run_import(tmp_path / "nowhere.xlsx")
    assert exc.value.returncode == 2


# ----- formats ------------------------------------------------------------------------------

FORMATS = {
    "csv": lambda p, b: write_csv(p / "book", b),
    "csv-bom": lambda p, b: write_csv(p / "book", b, bom=True),
    "xlsx-text": lambda p, b: write_xlsx(p / "book.xlsx", b),
    "xlsx-typed": lambda p, b: write_xlsx(p / "book.xlsx", b, typed=True),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_same_database(db, tmp_path, fmt):
    out, err = run_import(FORMATS[fmt](tmp_path, base()))
    assert content() == expected_content(base())
    assert counts(out)["人员"] == (3, 0, 0)
    assert counts(out)["组织"] == (7, 0, 0)
    tree_ok()
    assert parent_of("15290111") == "15290101"
    assert org("15290121").depth == 4


def test_typed_xlsx_really_holds_numbers_and_dates(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", base(), typed=True)
    ws = openpyxl.load_workbook(path)["人员"]
    assert ws["A2"].value == 1001 and ws["D2"].value == 13800138000
    assert isinstance(openpyxl.load_workbook(path)["任职"]["D2"].value, datetime.datetime)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "csv"])
def test_the_same_data_in_another_format_changes_nothing(existing, tmp_path, fmt):
    run_import(FORMATS["csv"](tmp_path / "a", base()))
    before = snapshot()
    out, _ = run_import(FORMATS[fmt](tmp_path / "b", base()))
    assert all(new == 0 and updated == 0 for new, updated, _ in counts(out).values()), out
    assert snapshot() == before


def test_children_may_come_before_their_parents_and_cells_are_normalised(db, tmp_path):
    book = base()
    header, *rows = book["组织"]
    book["组织"] = [header, *reversed(rows)]
    set_cell(book, "人员", 4, "身份证号", "11010519491231002x")
    set_cell(book, "人员", 3, "姓名", "  李四 ")
    path = write_csv(tmp_path / "book", book)
    run_import(path)
    assert content() == expected_content(base())
    tree_ok()
    out, _ = run_import(path)
    assert counts(out)["人员"] == (0, 0, 3) and counts(out)["组织"] == (0, 0, 7)


def test_a_large_workbook_is_written_in_batches(existing, tmp_path):
    """More rows than one write batch: every row arrives, the tree is sound, a re-import changes nothing."""
    n = 2600
    book = {
        "组织": [BASE_HEADERS["组织"], ["20000000", "大党委", "", "党委", "", "", ""]]
        + [[f"2{i:07d}", f"党支部{i}", "20000000" if i % 2 else f"2{i - 1:07d}", "党支部", "社区", "", ""]
           for i in range(1, n + 1)],
        "人员": [BASE_HEADERS["人员"]] + [[f"{i}", f"人员{i}", "", f"13{i:09d}"] for i in range(1, n + 1)],
        "任职": [BASE_HEADERS["任职"]] + [[f"{i}", f"2{i:07d}", "书记", "2025-01-01", ""] for i in range(1, n + 1)],
    }
    path = write_csv(tmp_path / "big", book)
    out, _ = run_import(path)
    assert counts(out) == {"组织": (n + 1, 0, 0), "人员": (n, 0, 0), "任职": (n, 0, 0)}
    assert file_part(content()) == expected_content(book)
    tree_ok()
    assert org("20000000").numchild == n // 2
    assert org("20000002").depth == 3
    set_cell(book, "人员", n + 1, "姓名", "最后一位")
    out, _ = run_import(write_csv(tmp_path / "big2", book))
    assert counts(out) == {"组织": (0, 0, n + 1), "人员": (0, 1, n - 1), "任职": (0, 0, n)}


# ----- importing again ---------------------------------------------------------------------

def test_importing_again_changes_nothing(existing, tmp_path):
    path = write_csv(tmp_path / "book", base())
    first, _ = run_import(path)
    assert AuditEvent.objects.filter(action="workbook imported").count() == 1  # a change is audited
    assert counts(first) == {"组织": (7, 0, 0), "支部定级": (4, 0, 0), "人员": (3, 0, 0), "任职": (3, 0, 0),
                             "联系点": (2, 0, 0), "活动": (2, 0, 0), "服务队": (1, 0, 0), "民生问题": (3, 0, 0)}
    before = snapshot()
    again, _ = run_import(path)
    assert counts(again) == {"组织": (0, 0, 7), "支部定级": (0, 0, 4), "人员": (0, 0, 3), "任职": (0, 0, 3),
                             "联系点": (0, 0, 2), "活动": (0, 0, 2), "民生问题": (0, 0, 3)}
    assert snapshot() == before


# ----- updates -----------------------------------------------------------------------------

def test_changed_records_are_counted_as_updated_and_written(existing, tmp_path):
    run_import(write_csv(tmp_path / "first", base()))
    stamps = {p.code: p.updated_at for p in Person.objects.all()}
    org_stamps = {o.code: o.updated_at for o in Organization.objects.all()}
    book = base()
    set_cell(book, "组织", 7, "组织名称", "旗直属机关党总支")
    set_cell(book, "人员", 3, "姓名", "李思")
    set_cell(book, "人员", 3, "手机号", "13700001111")
    set_cell(book, "任职", 2, "免职日期", "2026-06-30")
    set_cell(book, "联系点", 3, "结束日期", "")
    set_cell(book, "民生问题", 3, "状态", "已办结")
    set_cell(book, "民生问题", 3, "办结日期", "2026-05-01")
    set_cell(book, "民生问题", 2, "服务队", "第二服务队")
    out, _ = run_import(write_csv(tmp_path / "second", book))
    c = counts(out)
    assert c["组织"] == (0, 1, 6)
    assert c["人员"] == (0, 1, 2)
    assert c["任职"] == (0, 1, 2)
    assert c["联系点"] == (0, 1, 1)
    assert c["民生问题"] == (0, 2, 1)
    got = file_part(content())
    want = expected_content(book)
    for key in ("人员", "任职", "联系点", "民生问题"):
        assert got[key] == want[key]
    assert ("15290120", "旗直属机关党总支", "15290100", "党总支", "") in got["组织"]
    assert VolunteerTeam.objects.filter(name="第二服务队").exists()
    # The changed records carry a new 更新时间; the others keep theirs.
    assert Person.objects.get(code="1002").updated_at > stamps["1002"]
    assert Person.objects.get(code="1001").updated_at == stamps["1001"]
    assert org("15290120").updated_at > org_stamps["15290120"]
    assert org("15290121").updated_at == org_stamps["15290121"]


def test_existing_records_not_in_the_file_are_kept(existing, tmp_path):
    before = content()
    run_import(write_csv(tmp_path / "book", base()))
    after = content()
    for key, rows in before.items():
        for row in rows:
            assert row in after[key]


def tiers_of(code):
    return [(t.get_tier_display(), _iso(t.rated_on))
            for t in TierRating.objects.filter(organization__code=code).order_by(
                TierRating._meta.ordering[1])]


def test_tier_history_grows_and_the_same_date_updates(existing, tmp_path):
    assert tiers_of("D2") == [("后进", "2025-06-01")]
    book = {
        "组织": [["组织编码", "组织名称", "上级组织编码", "组织类型", "所属领域", "支部等次", "定级日期"],
                ["D2", "组织D2", "D1", "党支部", "嘎查村", "中间", "2026-01-01"]],
        "支部定级": [["组织编码", "支部等次", "定级日期"],
                 ["D2", "先进", "2026-06-01"],
                 ["D2", "中间", ""],
                 ["D4", "后进", "2026-02-01"]],
    }
    out, _ = run_import(write_csv(tmp_path / "one", book))
    assert counts(out)["支部定级"] == (4, 0, 0)
    assert tiers_of("D2") == [("中间", None), ("后进", "2025-06-01"), ("中间", "2026-01-01"), ("先进", "2026-06-01")]
    assert tiers_of("D4") == [("中间", None), ("后进", "2026-02-01")]

    # Only 支部定级 this time: nothing is erased, the same branch and date is updated.
    book2 = {"支部定级": [["组织编码", "支部等次", "定级日期"],
                      ["D2", "后进", "2026-06-01"],
                      ["D2", "后进", ""],
                      ["D2", "先进", "2027-01-01"]]}
    out, _ = run_import(write_csv(tmp_path / "two", book2))
    assert counts(out)["支部定级"] == (1, 2, 0)
    assert tiers_of("D2") == [("后进", None), ("后进", "2025-06-01"), ("中间", "2026-01-01"),
                              ("后进", "2026-06-01"), ("先进", "2027-01-01")]
    assert tiers_of("D4") == [("中间", None), ("后进", "2026-02-01")]

    # A 组织 row without a tier leaves the history alone.
    book3 = {"组织": [book["组织"][0], ["D2", "组织D2", "D1", "党支部", "嘎查村", "", ""]]}
    out, _ = run_import(write_csv(tmp_path / "three", book3))
    assert counts(out)["组织"] == (0, 0, 1)
    assert len(tiers_of("D2")) == 5


def test_a_changed_parent_moves_the_whole_subtree(existing, tmp_path):
    run_import(write_csv(tmp_path / "first", base()))
    old_parent, new_parent = org("15290100"), org("15290120")
    assert (old_parent.numchild, new_parent.numchild) == (2, 1)
    book = base()
    set_cell(book, "组织", 4, "上级组织编码", "15290120")  # 15290101 with its two branches
    out, _ = run_import(write_csv(tmp_path / "second", book))
    assert counts(out)["组织"] == (0, 1, 6)
    tree_ok()
    moved = org("15290101")
    assert parent_of("15290101") == "15290120"
    assert moved.depth == 4
    for child in ("15290111", "15290112"):
        node = org(child)
        assert node.path.startswith(moved.path) and node.depth == 5
        assert parent_of(child) == "15290101"
    assert org("15290100").numchild == 1
    assert org("15290120").numchild == 2
    assert {o.code for o in Organization.objects.get_descendants(org("15290120"))} == {"15290121", "15290101", "15290111", "15290112"}
    # Records hanging off the moved branches are untouched, and a second import changes nothing.
    assert file_part(content())["民生问题"] == expected_content(base())["民生问题"]
    before = snapshot()
    out, _ = run_import(write_csv(tmp_path / "second", book))
    assert counts(out)["组织"] == (0, 0, 7)
    assert snapshot() == before


def test_moves_that_reverse_ancestry_are_applied_in_a_valid_order(existing, tmp_path):
    """15290100 goes under its former child 15290101, which becomes a root: no cycle in the end."""
    run_import(write_csv(tmp_path / "first", base()))
    book = base()
    set_cell(book, "组织", 3, "上级组织编码", "15290101")
    set_cell(book, "组织", 4, "上级组织编码", "")
    out, _ = run_import(write_csv(tmp_path / "second", book))
    assert counts(out)["组织"] == (0, 2, 5)
    tree_ok()
    assert org("15290101").is_root()
    assert parent_of("15290100") == "15290101"
    assert parent_of("15290121") == "15290120"
    assert org("15290121").depth == 4
    assert org("15290000").numchild == 0
    assert content()["组织"] == expected_content(book)["组织"] | {
        (o.code, o.name, parent_of(o.code), o.get_kind_display(), o.get_domain_display())
        for o in Organization.objects.filter(code__startswith="D")}


def test_existing_orgs_move_under_new_ones_and_into_the_db_tree(existing, tmp_path):
    run_import(write_csv(tmp_path / "first", base()))
    book = base()
    add_row(book, "组织", 组织编码="15290130", 组织名称="新党工委", 上级组织编码="D1", 组织类型="党工委")
    set_cell(book, "组织", 3, "上级组织编码", "15290130")  # 15290100 and all below it go into the D tree
    set_cell(book, "组织", 8, "上级组织编码", "D3")  # a branch under an org that is only in the database
    out, _ = run_import(write_csv(tmp_path / "second", book))
    assert counts(out)["组织"] == (1, 2, 5)
    tree_ok()
    assert [o.code for o in Organization.objects.get_ancestors(org("15290111"))] == ["D1", "15290130", "15290100", "15290101"]
    assert parent_of("15290121") == "D3"
    assert org("15290000").is_leaf()
    assert org("D1").numchild == 3


# ----- dry run -------------------------------------------------------------------------

def test_dry_run_reports_the_counts_of_the_real_import_and_writes_nothing(existing, tmp_path):
    run_import(write_csv(tmp_path / "first", base()))
    book = base()
    set_cell(book, "人员", 2, "姓名", "张三丰")
    add_row(book, "人员", 人员编号="1004", 姓名="赵六", 手机号="13600000000")
    add_row(book, "组织", 组织编码="15290113", 组织名称="新嘎查党支部", 上级组织编码="15290101",
            组织类型="党支部", 所属领域="嘎查村", 支部等次="后进", 定级日期="2026-05-01")
    set_cell(book, "组织", 8, "上级组织编码", "15290101")
    add_row(book, "任职", 人员编号="1004", 组织编码="15290113", 职务="书记", 任职日期="2026-05-01")
    add_row(book, "联系点", 人员编号="1001", 组织编码="15290113", 联系类型="联系支部", 开始日期="2026-05-01")
    add_row(book, "活动", 人员编号="1001", 组织编码="15290113", 活动日期="2026-05-02", 活动类型="其他")
    set_cell(book, "支部定级", 2, "支部等次", "后进")
    set_cell(book, "民生问题", 3, "状态", "已办结")
    set_cell(book, "民生问题", 3, "办结日期", "2026-03-01")
    add_row(book, "民生问题", 问题编号="9004", 组织编码="15290113", 问题类别="医疗", 问题描述="卫生室",
            发现日期="2026-05-03", 状态="待办理", 服务队="新服务队")
    path = write_csv(tmp_path / "second", book)

    before = snapshot()
    dry, _ = run_import(path, "--dry-run")
    assert snapshot() == before
    assert "试导入" in dry
    expected = {"组织": (1, 1, 6), "支部定级": (1, 1, 3), "人员": (1, 1, 2), "任职": (1, 0, 3),
                "联系点": (1, 0, 2), "活动": (1, 0, 2), "服务队": (1, 0, 0), "民生问题": (1, 1, 2)}
    assert counts(dry) == expected
    real, _ = run_import(path)
    assert counts(real) == expected
    assert content()["人员"] >= expected_content(book)["人员"]
    tree_ok()


def test_dry_run_of_invalid_input_is_rejected_too(existing, tmp_path):
    book = base()
    set_cell(book, "人员", 2, "手机号", "110")
    before = snapshot()
    assert [(s, r, c) for s, r, c, _ in reject(write_csv(tmp_path / "b", book), "--dry-run")] == [("人员", 2, "手机号")]
    assert snapshot() == before


# ----- lenient parts of the format -----------------------------------------------------------

def test_unknown_columns_are_ignored_with_a_warning(db, tmp_path):
    book = base()
    for i, row in enumerate(book["人员"]):
        row.insert(1, "备注" if i == 0 else "随便写点什么")
    book["组织"][0].append("负责人")
    for row in book["组织"][1:]:
        row.append("某某")
    book["民生问题"][0].append("")  # a column without a name is not worth a warning
    for row in book["民生问题"][1:]:
        row.append("草稿")
    out, err = run_import(write_csv(tmp_path / "book", book))
    assert "备注" in err and "负责人" in err and "警告" in err
    assert err.count("备注") == 1 and err.count("负责人") == 1, err  # once each, not once per pass
    assert content() == expected_content(base())


def test_columns_may_come_in_any_order_and_optional_ones_may_be_absent(db, tmp_path):
    book = base()
    book["人员"] = [["姓名", "人员编号"], ["张三", "1001"], ["李四", "1002"], ["王五", "1003"]]
    order = [4, 2, 0, 3, 1]  # 职务, 组织编码, 人员编号, 免职日期, 任职日期
    book["任职"] = [[row[i] for i in order] for row in book["任职"]]
    run_import(write_csv(tmp_path / "book", book))
    assert content()["人员"] == {("1001", "张三", "", ""), ("1002", "李四", "", ""), ("1003", "王五", "", "")}
    assert content()["任职"] == expected_content(base())["任职"]


def test_absent_sheets_are_fine(db, tmp_path):
    book = {"人员": base()["人员"]}
    out, err = run_import(write_csv(tmp_path / "people", book))
    assert counts(out) == {"人员": (3, 0, 0)}
    assert Person.objects.count() == 3 and Organization.objects.count() == 0

    orgs_only = {"组织": base()["组织"]}
    path = tmp_path / "orgs.xlsx"
    write_xlsx(path, orgs_only)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Sheet1")["A1"] = "草稿"
    wb.save(path)
    out, err = run_import(path)
    assert counts(out)["组织"] == (7, 0, 0)
    assert "Sheet1" in err  # an unknown sheet is mentioned, not an error
    tree_ok()


@pytest.mark.parametrize("fmt", ["csv", "xlsx-text", "xlsx-typed"])
def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(existing, tmp_path, fmt):
    book = base()
    width = len(book["人员"][0])
    book["人员"].insert(2, [""] * width)  # row 3 blank
    book["人员"].insert(3, [""] * width)  # row 4 blank
    book["人员"].append([""] * width)
    book["任职"].insert(1, [""] * len(book["任职"][0]))  # row 2 blank
    out, err = run_import(FORMATS[fmt](tmp_path / "ok", book))
    assert counts(out)["人员"] == (3, 0, 0)
    assert counts(out)["任职"] == (3, 0, 0)

    set_cell(book, "人员", 6, "手机号", "999")  # 王五, after the two blank rows
    set_cell(book, "任职", 5, "任职日期", "2020-02-30")
    before = snapshot()
    errors = reject(FORMATS[fmt](tmp_path / "bad", book))
    assert [(s, r, c) for s, r, c, _ in errors] == [("人员", 6, "手机号"), ("任职", 5, "任职日期")]
    assert snapshot() == before


def test_blank_lines_in_csv_are_skipped(db, tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "人员.csv").write_text("人员编号,姓名,手机号\n\n1001,张三,13800138000\n,,\n\n1002,李四,12\n",
                                     encoding="utf-8")
    errors = reject(folder)
    assert [(s, r, c) for s, r, c, _ in errors] == [("人员", 6, "手机号")]


def test_an_xlsx_sheet_whose_first_row_is_blank_is_reported_at_row_1(db, tmp_path):
    """The first row must hold the column names; errors still count rows as Excel does."""
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append([])
    ws.append(["人员编号", "姓名"])
    ws.append(["1001", "张三"])
    wb.save(path)
    errors = reject(path)
    assert ("人员", 1, "人员编号") in [(s, r, c) for s, r, c, _ in errors]
    assert all(r == 1 for _, r, _, _ in errors)


def test_xlsx_cells_keep_their_row_numbers_after_blank_leading_rows_of_data(db, tmp_path):
    """A sheet with its data starting further down (blank rows after the header) is numbered as Excel does."""
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws["B1"] = "人员编号"
    ws["C1"] = "姓名"
    ws["D1"] = "手机号"
    ws["B5"] = "1001"
    ws["C5"] = "张三"
    ws["D5"] = "555"
    wb.save(path)
    assert [(s, r, c) for s, r, c, _ in reject(path)] == [("人员", 5, "手机号")]


def test_a_csv_file_not_in_utf8_is_rejected_with_a_message_not_a_traceback(existing, tmp_path):
    """Excel on Chinese Windows saves "CSV" as GBK unless told otherwise."""
    folder = write_csv(tmp_path / "book", {"组织": base()["组织"]})
    rows = base()["人员"]
    (folder / "人员.csv").write_bytes("\r\n".join(",".join(r) for r in rows).encode("gbk"))
    before = snapshot()
    errors = reject(folder)
    assert [(s, r) for s, r, _, _ in errors] == [("人员", 1)]
    assert "UTF-8" in errors[0][3]
    assert snapshot() == before
