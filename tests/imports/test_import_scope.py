"""An organization-department administrator imports only within their own subtree.

The command line imports anything (it is the operator's tool); in the browser, a
banner's administrator who uploads a workbook that reaches another banner gets every
such row named as an error, and nothing is written, exactly as for any bad row.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.accounts.models import Profile, RoleGrant
from dangjian.accounts.scope import Scope
from dangjian.imports.services import Importer
from dangjian.orgs.models import Organization
from dangjian.people.models import Person, Post
from dangjian.problems.models import Problem
from tests.imports.test_import import run_import
from tests.workbooks import add_row, base, write_csv, write_xlsx

LEFT = "15290100"  # 阿拉善左旗委: the administrator's banner
OTHER = "15290200"  # 额济纳旗委: a banner beside it

HEADERS = {sheet: rows[0] for sheet, rows in base().items()}


def empty_book(*sheets):
    return {s: [list(HEADERS[s])] for s in sheets}


@pytest.fixture
def world(db, tmp_path):
    book = base()
    add_row(book, "组织", 组织编码=OTHER, 组织名称="额济纳旗委", 上级组织编码="15290000", 组织类型="党委")
    add_row(book, "组织", 组织编码="15290211", 组织名称="达来呼布嘎查党支部", 上级组织编码=OTHER,
            组织类型="党支部", 所属领域="嘎查村")
    add_row(book, "人员", 人员编号="2001", 姓名="赵六")
    add_row(book, "任职", 人员编号="2001", 组织编码=OTHER, 职务="书记", 任职日期="2021-01-01")
    add_row(book, "民生问题", 问题编号="9101", 组织编码="15290211", 问题类别="饮水安全", 问题描述="水井老化",
            发现日期="2026-02-01", 状态="待办理")
    run_import(write_csv(tmp_path / "province", book))
    user = get_user_model().objects.create_user("zq_admin", password="pw-for-tests-1")
    RoleGrant.objects.create(user=user, organization=Organization.objects.get(code=LEFT), role="org_admin")
    Profile.objects.create(user=user)
    return user


def scoped_import(user, path, dry_run=False):
    scope = Scope.of(user)
    return Importer(path, dry_run=dry_run, actor=user, within=scope.import_within,
                    within_label=scope.import_label).run()


def errors(report):
    return [(e.sheet, e.row, e.column, e.message) for e in report.errors]


def snapshot():
    return (list(Organization.objects.order_by("code").values_list("code", "name", "path")),
            list(Person.objects.order_by("code").values_list("code", "name")),
            list(Post.objects.order_by("id").values_list("person__code", "organization__code", "role")),
            list(Problem.objects.order_by("code").values_list("code", "organization__code", "description")))


def test_inside_the_banner_everything_imports(world, tmp_path):
    book = empty_book("组织", "人员", "任职", "民生问题")
    add_row(book, "组织", 组织编码=LEFT, 组织名称="阿拉善左旗委", 上级组织编码="15290000", 组织类型="党委")
    add_row(book, "组织", 组织编码="15290113", 组织名称="额尔克哈什哈嘎查党支部", 上级组织编码="15290101",
            组织类型="党支部", 所属领域="嘎查村")
    add_row(book, "人员", 人员编号="2001", 姓名="赵六")  # from the other banner, listed unchanged
    add_row(book, "人员", 人员编号="3001", 姓名="钱七")  # a new person, appointed here
    add_row(book, "任职", 人员编号="3001", 组织编码="15290101", 职务="委员", 任职日期="2026-06-01")
    add_row(book, "民生问题", 问题编号="9004", 组织编码="15290113", 问题类别="道路交通", 问题描述="巷道硬化",
            发现日期="2026-05-01", 状态="待办理")
    report = scoped_import(world, write_xlsx(tmp_path / "left.xlsx", book))
    assert errors(report) == []
    new = Organization.objects.get(code="15290113")
    assert Organization.objects.get_parent(new).code == "15290101"
    assert Post.objects.filter(person__code="3001", organization__code="15290101").exists()
    assert Problem.objects.get(code="9004").organization == new


def test_rows_reaching_another_banner_are_named_and_nothing_is_written(world, tmp_path):
    book = empty_book("组织", "人员", "任职", "联系点", "民生问题")
    add_row(book, "组织", 组织编码="15290113", 组织名称="新建嘎查党支部", 上级组织编码="15290101",
            组织类型="党支部", 所属领域="嘎查村")  # fine on its own
    add_row(book, "组织", 组织编码="15290211", 组织名称="改名党支部", 上级组织编码=OTHER,
            组织类型="党支部", 所属领域="嘎查村")  # the other banner's branch
    add_row(book, "组织", 组织编码="15290212", 组织名称="新党支部", 上级组织编码=OTHER,
            组织类型="党支部", 所属领域="社区")  # created in the other banner
    add_row(book, "组织", 组织编码="15290111", 组织名称="乌兰嘎查党支部", 上级组织编码="15290000",
            组织类型="党支部", 所属领域="嘎查村")  # moved out of the banner
    add_row(book, "组织", 组织编码="15290199", 组织名称="新党委", 组织类型="党委")  # a new top-level organization
    add_row(book, "人员", 人员编号="2001", 姓名="赵六改")  # another banner's person, changed
    add_row(book, "任职", 人员编号="1001", 组织编码=OTHER, 职务="委员", 任职日期="2026-06-01")
    add_row(book, "联系点", 人员编号="1001", 组织编码="15290211", 联系类型="联系点", 开始日期="2026-06-01")
    add_row(book, "民生问题", 问题编号="9101", 组织编码="15290111", 问题类别="饮水安全", 问题描述="水井老化",
            发现日期="2026-02-01", 状态="待办理")  # the other banner's problem, pulled in
    before = snapshot()
    report = scoped_import(world, write_xlsx(tmp_path / "reach.xlsx", book))
    assert snapshot() == before
    where = "不在您管理的范围内（阿拉善左旗委），不能导入"
    assert errors(report) == [
        ("组织", 3, "组织编码", f"组织“15290211”{where}"),
        ("组织", 4, "上级组织编码", f"组织“{OTHER}”{where}"),
        ("组织", 5, "上级组织编码", f"组织“15290000”{where}"),
        ("组织", 6, "上级组织编码", f"顶级组织{where}"),
        ("人员", 2, "人员编号", f"人员“2001”{where}"),
        ("任职", 2, "组织编码", f"组织“{OTHER}”{where}"),
        ("联系点", 2, "组织编码", f"组织“15290211”{where}"),
        ("民生问题", 2, "问题编号", f"问题“9101”{where}"),
    ]


def test_the_command_line_and_the_province_admin_import_anywhere(world, tmp_path):
    book = empty_book("组织")
    add_row(book, "组织", 组织编码="15290212", 组织名称="新党支部", 上级组织编码=OTHER, 组织类型="党支部",
            所属领域="社区")
    path = write_xlsx(tmp_path / "other.xlsx", book)
    assert errors(Importer(path, dry_run=True).run()) == []
    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    assert errors(scoped_import(admin, path, dry_run=True)) == []


def test_the_browser_upload_is_confined_and_private(world, tmp_path):
    book = empty_book("任职")
    add_row(book, "任职", 人员编号="1001", 组织编码=OTHER, 职务="委员", 任职日期="2026-06-01")
    data = write_xlsx(tmp_path / "reach.xlsx", book).read_bytes()
    c = Client()
    c.force_login(world)
    assert "阿拉善左旗委" in c.get("/import/").content.decode()
    r = c.post("/import/", {"workbook": SimpleUploadedFile("任职.xlsx", data)})
    review = r["Location"]
    page = c.get(review).content.decode()
    assert "未写入任何数据" in page and "不在您管理的范围内" in page
    # Confirming anyway writes nothing.
    c.post(review + "confirm/")
    assert not Post.objects.filter(organization__code=OTHER, person__code="1001").exists()
    # Another administrator cannot open someone else's upload, nor is it under /media/.
    other = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    c2 = Client()
    c2.force_login(other)
    assert c2.get(review).status_code == 404
    assert c2.get(review + "errors.xlsx").status_code == 404
    token = review.rstrip("/").rsplit("/", 1)[1]
    assert c2.get(f"/media/imports/{token}/workbook.xlsx").status_code == 404


def test_a_person_serving_elsewhere_cannot_be_taken_over_in_two_imports(world, tmp_path):
    """Giving another banner's secretary a post here does not make their record ours to change.

    The banner cannot give them the post itself (tests/imports/test_import_leaks.py): the
    department above both banners does, with an import that is not confined.
    """
    first = empty_book("任职")
    add_row(first, "任职", 人员编号="2001", 组织编码="15290101", 职务="委员", 任职日期="2026-06-01")
    assert errors(Importer(write_xlsx(tmp_path / "post.xlsx", first)).run()) == []
    rename = empty_book("人员")
    add_row(rename, "人员", 人员编号="2001", 姓名="赵六（被改名）")
    report = scoped_import(world, write_xlsx(tmp_path / "rename.xlsx", rename))
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("人员", 2, "人员编号")]
    assert Person.objects.get(code="2001").name == "赵六"
    # Once their post in the other banner has ended, the banner they serve now keeps their record.
    Post.objects.filter(person__code="2001", organization__code=OTHER).update(end_date="2026-05-31")
    assert errors(scoped_import(world, write_xlsx(tmp_path / "rename2.xlsx", rename))) == []
    assert Person.objects.get(code="2001").name == "赵六（被改名）"


def test_the_banner_supervisor_sees_the_banner_admin_s_import(world, tmp_path):
    book = empty_book("组织")
    add_row(book, "组织", 组织编码="15290113", 组织名称="额尔克哈什哈嘎查党支部", 上级组织编码="15290101",
            组织类型="党支部", 所属领域="嘎查村")
    c = Client()
    c.force_login(world)
    r = c.post("/import/", {"workbook": SimpleUploadedFile("五月名册.xlsx",
                                                            write_xlsx(tmp_path / "b.xlsx", book).read_bytes())})
    c.post(r["Location"] + "confirm/")
    inspector = get_user_model().objects.create_user("zq_jiwei", password="pw-for-tests-1")
    RoleGrant.objects.create(user=inspector, organization=Organization.objects.get(code=LEFT), role="inspector")
    Profile.objects.create(user=inspector)
    ci = Client()
    ci.force_login(inspector)
    page = ci.get("/audit/").content.decode()
    assert "导入工作簿" in page and "五月名册.xlsx" in page and "阿拉善左旗委" in page
