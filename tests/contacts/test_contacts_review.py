"""Contact links and activities as a user meets them: photos that are photos, a person page
that keeps to the viewer's scope, edit controls only for those who may edit, the cost of
ending a link, dates that make sense whichever way they come in.
"""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.contacts import photos, services
from dangjian.contacts.models import Activity, ActivityPhoto, ContactLink
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND"
       b"\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
HEIF = b"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1" + b"\x00" * 32
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 32
AVIF_MIF1 = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00avifmif1" + b"\x00" * 32
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
EVIL = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"  # a case's attachment may be one; a photo may not
HTML = b"<!doctype html><script>fetch('/api/links').then(r => r.text()).then(alert)</script>"


@pytest.fixture(autouse=True)
def _frozen(frozen_today):
    """"Today" is conftest.FROZEN_AT's day: no test here straddles a midnight."""
    return frozen_today


def today():
    return timezone.localdate()


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def visit(organization="A1S", **extra):
    return {"person": "PA", "organization": organization, "date": today().isoformat(), "kind": "research",
            "content": "入户走访", **extra}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# ----- 1. photos: the bytes decide ----------------------------------------------------------------------
@pytest.mark.parametrize("content, kind", [
    (PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp"), (HEIC, "image/heic"), (HEIF, "image/heif"),
    (GIF, None), (EVIL, None), (HTML, None), (AVIF, None), (AVIF_MIF1, None), (PDF, None), (b"", None),
    (b"\x89PNG b", None),
])
def test_a_photo_is_what_its_bytes_say(content, kind):
    found = photos.UPLOADS.sniff(content)
    assert (found.content_type if found else None) == kind


def test_an_svg_with_a_script_named_html_is_refused_with_its_name(world):
    c = client_for(world.users["a_leader"])
    r = c.post("/activities/new/", visit(photos=[upload("evil.html", EVIL, "image/svg+xml")]))
    assert r.status_code == 200
    page = r.content.decode()
    assert "“evil.html”不是可接受的照片" in page and "JPEG、PNG、WebP 或 HEIC/HEIF" in page
    assert not Activity.objects.filter(content="入户走访").exists()
    assert not ActivityPhoto.objects.exists()
    # Claiming to be a PNG does not help an HTML page either.
    r = c.post("/activities/new/", visit(photos=[upload("photo.png", HTML, "image/png")]))
    assert "“photo.png”不是可接受的照片" in r.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_a_real_photo_is_stored_under_a_safe_name_and_served_as_the_image_it_is(world):
    c = client_for(world.users["a_leader"])
    r = c.post("/activities/new/", visit(photos=[upload("evil.html", PNG, "image/svg+xml"),
                                                 upload("IMG_0001.HEIC", HEIC, "image/heic")]))
    assert r.status_code == 302, r.content.decode()
    stored = list(ActivityPhoto.objects.order_by("pk"))
    assert [p.image.name.rsplit(".", 1)[1] for p in stored] == ["png", "heic"]
    assert not any("evil" in p.image.name or "IMG_0001" in p.image.name for p in stored)
    r = c.get(f"/photos/{stored[0].pk}/")
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert r["Content-Disposition"].startswith("inline")
    assert b"".join(r.streaming_content) == PNG
    assert c.get(f"/photos/{stored[1].pk}/")["Content-Type"] == "image/heic"
    # The person's page shows them.
    assert f"/photos/{stored[0].pk}/" in c.get("/people/PA/").content.decode()


def test_a_file_stored_before_the_check_is_only_ever_a_download(world):
    activity = Activity.objects.get(person__code="PB")
    legacy = ActivityPhoto.objects.create(activity=activity, image=ContentFile(HTML, name="evil.html"))
    r = client_for(world.users["root_admin"]).get(f"/photos/{legacy.pk}/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment")
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "html" not in r["Content-Disposition"]


def test_photos_are_limited_in_size_and_number(world):
    c = client_for(world.users["a_leader"])
    big = upload("huge.jpg", JPEG + b"\x00" * (10 * 1024 * 1024), "image/jpeg")
    r = c.post("/activities/new/", visit(photos=[big]))
    assert "照片“huge.jpg”超过 10 MB" in r.content.decode()
    many = [upload(f"p{i}.png", PNG, "image/png") for i in range(photos.MAX_COUNT + 1)]
    r = c.post("/activities/new/", visit(photos=many))
    assert f"每次最多上传 {photos.MAX_COUNT} 张照片，本次选择了 {photos.MAX_COUNT + 1} 张" in r.content.decode()
    assert not Activity.objects.filter(content="入户走访").exists()
    nine = [upload(f"p{i}.png", PNG, "image/png") for i in range(photos.MAX_COUNT)]
    r = c.post("/activities/new/", visit(photos=nine))
    assert r.status_code == 302
    assert ActivityPhoto.objects.count() == photos.MAX_COUNT


def test_a_pdf_is_no_photo(world):
    """The upload check is shared with a case's attachments (records.uploads), which take PDFs; photos do not."""
    c = client_for(world.users["a_leader"])
    r = c.post("/activities/new/", visit(photos=[upload("纪要.pdf", PDF, "application/pdf")]))
    assert r.status_code == 200 and "“纪要.pdf”不是可接受的照片" in r.content.decode()
    assert not Activity.objects.filter(content="入户走访").exists() and not ActivityPhoto.objects.exists()


def test_the_service_checks_photos_whoever_calls_it(world):
    with pytest.raises(ValidationError) as caught:
        services.log_activity(world.users["a_leader"], world.people["PA"], world.orgs["A1S"], today(), "research",
                              "脚本", [upload("x.svg", EVIL, "image/png")])
    assert "“x.svg”不是可接受的照片" in caught.value.message_dict["photos"][0]
    assert not Activity.objects.filter(content="脚本").exists()


# ----- 2. the person page keeps to the viewer's scope -----------------------------------------------------
@pytest.fixture
def spread(world):
    """PA linked inside the branch secretary's branch (A1S) and in the other banner (B1S), with visits at both."""
    admin = world.users["root_admin"]
    inside = services.set_up_link(admin, world.people["PA"], world.orgs["A1S"], "contact_point", date(2026, 2, 1))
    outside = services.set_up_link(admin, world.people["PA"], world.orgs["B1S"], "branch_link", date(2026, 3, 1))
    services.log_activity(admin, world.people["PA"], world.orgs["A1S"], date(2026, 10, 5), "research", "甲的走访")
    far = services.log_activity(admin, world.people["PA"], world.orgs["B1S"], date(2026, 10, 6), "lecture",
                                "乙的专题党课", [upload("b.png", PNG, "image/png")])
    world.inside, world.outside, world.far_photo = inside, outside, far.photos.get()
    return world


def test_a_branch_secretary_sees_only_the_persons_records_in_their_branch(spread):
    page = client_for(spread.users["a_branch"]).get("/people/PA/").content.decode()
    links = page[page.index('id="links"'):page.index('id="visits"')]
    assert "甲嘎查党支部" in links and "乙嘎查党支部" not in links
    assert "甲的走访" in page
    assert "乙的专题党课" not in page and f"/photos/{spread.far_photo.pk}/" not in page
    audit = page[page.index('data-testid="audit"'):]
    assert "乙嘎查党支部" not in audit and "B1S" not in audit and "乙的专题党课" not in audit
    assert "建立联系" in audit  # …but the link inside the branch is in the trail


def test_a_person_sees_all_of_their_own_records(spread):
    page = client_for(spread.users["a_leader"]).get("/people/PA/").content.decode()
    assert "乙嘎查党支部" in page and "乙的专题党课" in page


def test_the_person_page_costs_the_same_queries_with_few_rows_or_many(spread):
    c = client_for(spread.users["a_admin"])
    c.get("/people/PA/")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/people/PA/").status_code == 200
        return len(ctx)

    few = queries()
    for i in range(15):
        spread.org(f"X{i}", "A1", name=f"新支部{i}")
        link = services.set_up_link(spread.users["a_admin"], spread.people["PA"], spread.orgs[f"X{i}"],
                                    "branch_link", date(2026, 4, 1))
        services.end_link(spread.users["a_admin"], link, date(2026, 9, 1))
        services.log_activity(spread.users["a_admin"], spread.people["PA"], spread.orgs[f"X{i}"], date(2026, 8, 1),
                              "research", f"走访{i}", [upload("p.png", PNG, "image/png")])
    assert queries() == few


# ----- 3. edit controls only for those who may edit -------------------------------------------------------
def edit_urls(link):
    return [f"/links/{link.pk}/change/", f"/links/{link.pk}/end/"]


def test_a_supervisor_sees_no_edit_controls_and_no_forms(world):
    link = world.link("PA", "A1S", "联系点", start="2026-01-01")
    c = client_for(world.users["a_inspector"])
    page = c.get("/people/PA/").content.decode()
    assert "甲嘎查党支部" in page
    for url in edit_urls(link):
        assert url not in page
        assert c.get(url).status_code == 404, url
    assert "/links/new/" not in page and "/activities/new/" not in page
    r = c.get("/links/new/")
    assert "您的账户不能建立联系点" in r.content.decode()
    assert 'name="organization"' not in r.content.decode()


def test_a_leader_edits_their_own_links_only(world):
    own = world.link("PA", "A1S", "联系点", start="2026-01-01")
    other = world.link("PA2", "A1T", "联系点", start="2026-01-01")
    c = client_for(world.users["a_leader"])
    mine = c.get("/people/PA/").content.decode()
    for url in edit_urls(own):
        assert url in mine
        assert c.get(url).status_code == 200
    assert "/links/new/?person=PA" in mine and "/activities/new/?person=PA" in mine
    theirs = c.get("/people/PA2/").content.decode()
    assert "甲社区党支部" in theirs
    for url in edit_urls(other):
        assert url not in theirs
        assert c.get(url).status_code == 404, url
    assert "/links/new/" not in theirs
    # The prefilled form opens for the leader's own person.
    r = c.get("/links/new/?person=PA")
    assert 'name="person"' in r.content.decode() and 'value="PA"' in r.content.decode()


def test_an_administrator_edits_anyones_links_in_scope(world):
    other = world.link("PA2", "A1T", "联系点", start="2026-01-01")
    c = client_for(world.users["a_admin"])
    page = c.get("/people/PA2/").content.decode()
    for url in edit_urls(other):
        assert url in page
        assert c.get(url).status_code == 200
    assert "/links/new/?person=PA2" in page
    r = c.get("/links/new/?person=PA2")
    assert 'value="PA2"' in r.content.decode()


def test_an_ended_link_has_no_end_button(world):
    ended = world.link("PA", "A1S", "联系点", start="2026-01-01", end=today() - timedelta(days=3))
    page = client_for(world.users["a_leader"]).get("/people/PA/").content.decode()
    assert f"/links/{ended.pk}/change/" in page and f"/links/{ended.pk}/end/" not in page


# ----- 4. what ending a link costs ---------------------------------------------------------------------
def test_ending_a_link_today_says_what_happens_from_tomorrow(world):
    link = world.link("PA", "A1S", "联系点", start="2026-01-01")
    c = client_for(world.users["a_leader"])
    end_page = c.get(f"/links/{link.pk}/end/").content.decode()
    assert f'value="{today().isoformat()}"' in end_page  # the form's default end date: today
    r = c.post(f"/links/{link.pk}/end/", {"end_date": today().isoformat()})
    assert r.status_code == 302
    tomorrow = (today() + timedelta(days=1)).isoformat()
    notes = messages_of(r)
    assert f"自 {tomorrow} 起：人员PA（PA）未建立党建工作联系点" in notes, notes
    assert any(n.startswith(f"自 {tomorrow} 起：") and "甲旗委" in n and "后进党支部" in n for n in notes), notes
    # …and the page shows them.
    page = c.get("/people/PA/").content.decode()
    assert f"自 {tomorrow} 起：人员PA（PA）未建立党建工作联系点" in page


def test_ending_a_link_in_the_past_says_what_holds_today(world):
    link = world.link("PA", "A1S", "联系点", start="2026-01-01")
    r = client_for(world.users["a_leader"]).post(f"/links/{link.pk}/end/",
                                                 {"end_date": (today() - timedelta(days=1)).isoformat()})
    notes = messages_of(r)
    assert "人员PA（PA）未建立党建工作联系点" in notes and not any(n.startswith("自 ") for n in notes)


def test_a_change_that_sets_an_end_date_says_what_it_costs_from_the_next_day(world):
    link = world.link("PA", "A1S", "联系点", start="2026-01-01")
    end = today() + timedelta(days=10)
    r = client_for(world.users["a_admin"]).post(f"/links/{link.pk}/change/", {
        "kind": "contact_point", "start_date": "2026-01-01", "end_date": end.isoformat()})
    assert r.status_code == 302
    assert f"自 {(end + timedelta(days=1)).isoformat()} 起：人员PA（PA）未建立党建工作联系点" in messages_of(r)


# ----- 5. dates and content, whichever way they come in ---------------------------------------------------
def test_the_api_refuses_an_activity_in_the_future_or_too_long(world):
    c = client_for(world.users["a_leader"])
    for body, field, text in [
        ({"date": "2031-01-01"}, "date", "活动日期不能晚于今天"),
        ({"date": "1999-12-31"}, "date", "活动日期不能早于 2000-01-01"),
        ({"date": "2026-11-01", "content": "字" * 10001}, "content", "内容不能超过 10000 字（现有 10001 字）"),
    ]:
        r = c.post("/api/activities", {"org": "A1S", "kind": "research", **body}, content_type="application/json")
        assert r.status_code == 422, r.content
        assert r.json()["detail"][field] == [text]
    assert not Activity.objects.filter(person__code="PA").exists()
    r = c.post("/api/activities", {"org": "A1S", "kind": "research", "date": "2026-11-01", "content": "字" * 10000},
               content_type="application/json")
    assert r.status_code == 201


def test_the_activity_form_refuses_year_one_and_a_novel(world):
    c = client_for(world.users["a_leader"])
    r = c.post("/activities/new/", visit(date="0001-01-01"))
    assert "活动日期不能早于 2000-01-01" in r.content.decode()
    r = c.post("/activities/new/", visit(date=(today() + timedelta(days=1)).isoformat()))
    assert "活动日期不能晚于今天" in r.content.decode()
    r = c.post("/activities/new/", visit(content="字" * 200_000))
    assert "内容不能超过 10000 字（现有 200000 字）" in r.content.decode()
    assert not Activity.objects.filter(person__code="PA").exists()


def test_link_dates_stay_in_a_sensible_range(world):
    c = client_for(world.users["a_leader"])
    r = c.post("/links/new/", {"person": "PA", "organization": "A1S", "kind": "contact_point",
                               "start_date": "2030-01-01"})
    latest = (today() + timedelta(days=services.LINK_DAYS_AHEAD)).isoformat()
    assert f"开始日期不能晚于 {latest}（最多提前一年）" in r.content.decode()
    r = c.post("/links/new/", {"person": "PA", "organization": "A1S", "kind": "contact_point",
                               "start_date": "1899-01-01"})
    assert "开始日期不能早于 2000-01-01" in r.content.decode()
    assert not ContactLink.objects.filter(person__code="PA").exists()
    api = c.post("/api/links", {"person": "PA", "org": "A1S", "kind": "contact_point", "start_date": "2026-01-01",
                                "end_date": "2099-12-31"}, content_type="application/json")
    assert api.status_code == 422
    assert api.json()["detail"]["end_date"] == [f"结束日期不能晚于 {latest}（最多提前一年）"]
    link = world.link("PA", "A1S", "联系点", start="2026-01-01")
    r = c.post(f"/links/{link.pk}/end/", {"end_date": "2099-12-31"})
    assert f"结束日期不能晚于 {latest}" in r.content.decode()
    r = c.post(f"/links/{link.pk}/change/", {"kind": "contact_point", "start_date": "2030-06-01", "end_date": ""})
    assert f"开始日期不能晚于 {latest}" in r.content.decode()
    link.refresh_from_db()
    assert (str(link.start_date), link.end_date) == ("2026-01-01", None)


def test_a_link_starting_later_counts_from_its_start(world):
    start = today() + timedelta(days=30)
    r = client_for(world.users["a_leader"]).post("/links/new/", {
        "person": "PA", "organization": "A1S", "kind": "contact_point", "start_date": start.isoformat()})
    assert r.status_code == 302
    assert f"已建立联系点：甲嘎查党支部（自开始日期 {start.isoformat()} 起计入）" in messages_of(r)


def test_an_old_imported_start_date_does_not_block_other_changes(world):
    link = world.link("PA", "A1S", "联系支部", start="1995-03-01")
    r = client_for(world.users["a_admin"]).post(f"/links/{link.pk}/change/", {
        "kind": "contact_point", "start_date": "1995-03-01", "end_date": ""})
    assert r.status_code == 302
    link.refresh_from_db()
    assert link.kind == "contact_point"


def test_form_errors_from_the_service_follow_the_language(world):
    c = client_for(world.users["a_leader"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.post("/activities/new/", visit(date=(today() + timedelta(days=1)).isoformat()))
    assert "活动日期不能晚于今天" not in r.content.decode()  # the catalog has this one already


# ----- 6. the quick links hold today -------------------------------------------------------------------
def test_the_activity_form_offers_only_links_that_hold_today(world):
    world.link("PA", "A1S", "联系点", start="2026-01-01")
    world.link("PA", "A1T", "联系支部", start="2025-01-01", end=today() - timedelta(days=1))
    world.link("PA", "A1", "联系支部", start=today() + timedelta(days=5))
    page = client_for(world.users["a_leader"]).get("/activities/new/").content.decode()
    quick = page[page.index("我的联系点："):]
    quick = quick[:quick.index("</div>")]
    assert 'data-value="A1S"' in quick
    assert 'data-value="A1T"' not in quick and 'data-value="A1"' not in quick
