"""Leaks found from outside: a banner's import may neither claim nor rewrite another banner's person,
and an import leaves its trace on every record it created or changed."""

from dangjian.audit.models import AuditObject
from dangjian.contacts.models import ContactLink
from dangjian.people.models import Person, Post
from tests.imports.test_import_scope import LEFT, OTHER, empty_book, errors, scoped_import, world  # noqa: F401
from tests.test_web_scope import client_for
from tests.workbooks import add_row, write_csv


def test_a_post_or_link_for_another_banner_s_person_is_refused(world, tmp_path):  # noqa: F811
    """One row would make 赵六 (额济纳旗) and their records visible to 阿拉善左旗's administrator."""
    for sheet, row in [("任职", dict(人员编号="2001", 组织编码=LEFT, 职务="委员", 任职日期="2026-01-01")),
                       ("联系点", dict(人员编号="2001", 组织编码=LEFT, 联系类型="联系点", 开始日期="2026-01-01"))]:
        book = empty_book(sheet)
        add_row(book, sheet, **row)
        report = scoped_import(world, write_csv(tmp_path / sheet, book))
        assert errors(report) == [(sheet, 2, "人员编号", "人员“2001”不在您管理的范围内（阿拉善左旗委），不能导入")]
    assert not Post.objects.filter(person__code="2001", organization__code=LEFT).exists()
    assert not ContactLink.objects.filter(person__code="2001").exists()


def test_a_person_whose_posts_elsewhere_all_ended_is_still_not_free_to_rename(world, tmp_path):  # noqa: F811
    Post.objects.filter(person__code="2001").update(end_date="2025-12-31")
    book = empty_book("人员")
    add_row(book, "人员", 人员编号="2001", 姓名="改名", 身份证号="", 手机号="13800000000")
    report = scoped_import(world, write_csv(tmp_path / "rename", book))
    assert errors(report) == [("人员", 2, "人员编号", "人员“2001”不在您管理的范围内（阿拉善左旗委），不能导入")]
    assert Person.objects.get(code="2001").name == "赵六"


def test_an_imported_branch_s_page_shows_the_import_that_made_it(world, tmp_path):  # noqa: F811
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    page = client_for(admin).get("/orgs/15290211/").content.decode()
    assert "导入工作簿" in page  # the import made this branch: its page says so
    assert AuditObject.objects.filter(object_type="orgs.organization").exists()
    person = Person.objects.get(code="2001")
    assert "导入工作簿" in client_for(admin).get(f"/people/{person.code}/").content.decode()
    # An import writing the same data again touches nothing and records nothing.
    before = AuditObject.objects.count()
    book = empty_book("人员")
    add_row(book, "人员", 人员编号="2001", 姓名="赵六")
    assert scoped_import(admin, write_csv(tmp_path / "same", book)).ok
    assert AuditObject.objects.count() == before


def test_a_changed_post_ties_the_import_to_its_organization(world, tmp_path):  # noqa: F811
    """Ending 赵六's post by import shows on 额济纳旗委's page, not only in the import's own entry."""
    from dangjian.audit.models import AuditEvent
    from dangjian.imports.services import Importer

    book = empty_book("任职")
    add_row(book, "任职", 人员编号="2001", 组织编码=OTHER, 职务="书记", 任职日期="2021-01-01", 免职日期="2026-06-30")
    assert Importer(write_csv(tmp_path / "ended", book)).run().ok
    event = AuditEvent.objects.filter(action="workbook imported").order_by("-id").first()
    other = Post.objects.get(person__code="2001").organization
    assert AuditObject.objects.filter(event=event, object_type="orgs.organization",
                                      object_id=str(other.pk)).exists()
