"""The workbook declared by its apps: the registry, the shared validators, the tenure base, and
CONTRACT §2's 「A 组织 row with a 定级日期 but no 支部等次 records no tier: it is imported with a
warning that names its row, not refused.」"""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from dangjian.contacts.models import ContactLink
from dangjian.imports.services import Importer
from dangjian.orgs.models import Organization, TierRating
from dangjian.orgs.sheets import TIER_DATE_IGNORED
from dangjian.people.models import Post
from dangjian.people.validators import id_card_check_digit, id_card_error, mobile_error
from dangjian.problems.validators import completion_errors
from dangjian.records.tenure import active_q
from dangjian.workbook import sheets
from tests.builders import Tree
from tests.workbooks import base, set_cell, write_csv, write_xlsx


def undated_tier_book():
    book = base()
    set_cell(book, "组织", 8, "定级日期", "2026-02-01")  # 旗直机关第一党支部: a date, no 支部等次
    return book


def test_the_sheets_come_in_workbook_order_each_after_what_it_refers_to():
    names = [s.name for s in sheets()]
    assert names == ["组织", "支部定级", "人员", "任职", "联系点", "活动", "民生问题"]
    for i, s in enumerate(sheets()):
        assert set(s.after) <= set(names[:i])
        assert set(s.key) <= set(s.column_names)
        refs = {c.ref for c in s.columns if c.ref}
        assert refs <= {t.provides.name for t in sheets() if t.provides}


def test_a_tier_date_without_a_tier_is_a_warning_not_an_error(db, tmp_path):
    out, err = StringIO(), StringIO()
    call_command("importbook", str(write_csv(tmp_path / "book", undated_tier_book())), stdout=out, stderr=err)
    assert f"警告：组织, 8, 定级日期, {TIER_DATE_IGNORED}" in err.getvalue()
    assert "导入完成" in out.getvalue()
    branch = Organization.objects.get(code="15290121")
    assert branch.name == "旗直机关第一党支部"
    assert not TierRating.objects.filter(rated_on=date(2026, 2, 1)).exists()  # no tier recorded for that date
    assert set(TierRating.objects.filter(organization=branch).values_list("rated_on", flat=True)) == {
        date.fromisoformat(row[2]) for row in base()["支部定级"][1:] if row[0] == "15290121"}


def test_the_warning_is_given_in_a_dry_run_too(db, tmp_path):
    report = Importer(write_xlsx(tmp_path / "book.xlsx", undated_tier_book()), dry_run=True).run()
    assert report.ok
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == [("组织", 8, "定级日期")]
    assert not Organization.objects.exists()


def test_the_browser_dry_run_shows_the_warning(db, tmp_path):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests-1"))
    path = write_xlsx(tmp_path / "book.xlsx", undated_tier_book())
    r = client.post("/import/", {"workbook": SimpleUploadedFile("名册.xlsx", path.read_bytes())})
    page = client.get(r["Location"]).content.decode()
    assert 'data-testid="import-warning"' in page and TIER_DATE_IGNORED in page
    assert "确认导入" in page


def test_shared_validators():
    first17 = "15292119800101123"
    assert id_card_error(first17 + id_card_check_digit(first17)) is None
    assert "校验位" in id_card_error(first17 + ("0" if id_card_check_digit(first17) != "0" else "1"))
    assert mobile_error("13800138000") is None and mobile_error("2391234567")
    assert completion_errors("done", date(2026, 3, 1), None) == ["状态为“已办结”时必须填写办结日期"]
    assert completion_errors("done", date(2026, 3, 1), date(2026, 2, 1)) == ["办结日期早于发现日期"]
    assert completion_errors("pending", date(2026, 3, 1), date(2026, 3, 2)) == ["只有“已办结”的问题才能填写办结日期"]
    assert completion_errors("done", None, None, date_unreadable=True) == []


@pytest.fixture
def world(db):
    w = Tree()
    w.org("A", kind="党委")
    w.person("P1")
    return w


def test_tenure_active_on_and_end_not_before_start(world):
    old = world.post("P1", "A", "书记", "2020-01-01", "2022-12-31")
    now = world.post("P1", "A", "委员", "2023-01-01", None)
    day = date(2024, 6, 1)
    assert list(Post.objects.active_on(day)) == [now]
    assert list(Post.objects.filter(active_q(date(2021, 1, 1)))) == [old]
    assert not old.is_active_on(day) and now.is_active_on(day)
    link = world.link("P1", "A", "联系点", "2024-01-01", None)
    assert list(ContactLink.objects.active_on(day)) == [link]
    assert not ContactLink.objects.active_on(date(2023, 12, 31)).exists()
    old.end_date = date(2019, 1, 1)
    with pytest.raises(ValidationError, match="免职日期早于任职日期"):
        old.clean()
    link.end_date = date(2023, 1, 1)
    with pytest.raises(ValidationError, match="结束日期早于开始日期"):
        link.clean()
    # The models keep their own names for the dates.
    assert str(Post._meta.get_field("start_date").verbose_name) == "任职日期"
    assert str(ContactLink._meta.get_field("end_date").verbose_name) == "结束日期"
