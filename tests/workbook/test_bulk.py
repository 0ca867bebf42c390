"""workbook.bulk.insert_rows writes what bulk_create would: the import's new rows, on both databases."""

from datetime import date

import pytest
from django.utils import timezone

from dangjian.orgs.models import TierRating
from dangjian.people.models import Person, Post
from dangjian.records.sealed import sealer
from dangjian.workbook.bulk import insert_rows
from tests.builders import Tree

pytestmark = pytest.mark.django_db


def test_rows_read_back_as_the_orm_writes_them():
    root = Tree().org("R", kind="党委")
    before = timezone.now()
    mobile_sealed, mobile_digest = sealer().seal("mobile", "13800000000")
    ids = insert_rows(Person, ["code", "name", "mobile_sealed", "mobile_digest", "name_initials"],
                      [("P1", "张三", "", "", "zs"), ("P2", "李四", mobile_sealed, mobile_digest, "ls")], returning=True)
    people = {p.code: p for p in Person.objects.all()}
    assert sorted(ids) == sorted(p.pk for p in people.values())
    assert people["P2"].mobile == "13800000000" and people["P1"].name == "张三"
    # auto_now_add / auto_now: stamped once for the call, as a new instance would be.
    assert people["P1"].created_at >= before and people["P1"].updated_at >= before

    # Foreign keys by attribute name, dates and NULL dates, no ids asked for.
    assert insert_rows(Post, ["person_id", "organization_id", "role", "start_date", "end_date"], [
        (people["P1"].pk, root.pk, "secretary", date(2024, 1, 31), None),
        (people["P2"].pk, root.pk, "member", None, date(2025, 12, 31)),
    ]) == []
    posts = {p.person.code: p for p in Post.objects.select_related("person")}
    assert posts["P1"].start_date == date(2024, 1, 31) and posts["P1"].end_date is None
    assert posts["P2"].start_date is None and posts["P2"].end_date == date(2025, 12, 31)
    assert list(Post.objects.filter(start_date__lte=date(2024, 2, 1)).values_list("person__code", flat=True)) == ["P1"]


def test_many_rows_split_into_statements():
    root = Tree().org("R", kind="党委")
    rows = [(root.pk, "advanced", date(2020, 1, 1) + (date(2020, 1, 2) - date(2020, 1, 1)) * i) for i in range(4500)]
    insert_rows(TierRating, ["organization_id", "tier", "rated_on"], rows)
    assert TierRating.objects.filter(organization=root).count() == 4500
    assert TierRating.objects.order_by("rated_on").last().rated_on == rows[-1][2]


def test_json_values_and_awkward_text_round_trip():
    # On PostgreSQL the rows travel as one JSON document: quotes, backslashes, braces, commas and
    # non-BMP characters come back as they went in, a dict stays a dict, NULL stays NULL.
    from dangjian.notices.models import Notice

    person = Person.objects.create(code="P1", name="张三")
    awkward = 'a "quoted" \\ back,slash {brace} 𠀀 \'single\' %s %(x)s'
    insert_rows(Notice, ["person_id", "organization_id", "kind", "text", "params", "url"], [
        (person.pk, None, "k", awkward, {"rule": awkward, "n": 3, "list": [1, None]}, ""),
        (person.pk, None, "k", "plain", {}, "/x/"),
    ])
    by_text = {n.text: n for n in Notice.objects.all()}
    assert by_text[awkward].params == {"rule": awkward, "n": 3, "list": [1, None]}
    assert by_text[awkward].organization_id is None and by_text["plain"].params == {}
    assert Notice.objects.filter(params__n=3).count() == 1


def test_update_rows_sets_columns_by_key_with_one_statement():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.notices.models import Notice
    from dangjian.workbook.bulk import update_rows

    root = Tree().org("R", kind="党委")
    ids = sorted(insert_rows(TierRating, ["organization_id", "tier", "rated_on"],
                             [(root.pk, "advanced", date(2020, 1, i)) for i in (1, 2, 3)], returning=True))
    with CaptureQueriesContext(connection) as queries:
        changed = update_rows(TierRating, ["tier", "rated_on"],
                              {ids[0]: ("weak", date(2021, 5, 6)), ids[1]: ('it\'s "odd"', date(2021, 12, 31))})
    assert changed == 2 and len(queries) == 1
    assert dict(TierRating.objects.values_list("id", "tier")) == {ids[0]: "weak", ids[1]: 'it\'s "odd"',
                                                                  ids[2]: "advanced"}
    assert TierRating.objects.get(pk=ids[1]).rated_on == date(2021, 12, 31)
    assert TierRating.objects.filter(rated_on__gte=date(2021, 6, 1)).count() == 1

    # By another key, with a condition: JSON values, a NULL, the rows that fail the condition left alone.
    a, b = Person.objects.create(code="P1", name="甲"), Person.objects.create(code="P2", name="乙")
    insert_rows(Notice, ["person_id", "organization_id", "kind", "text", "params", "url"], [
        (a.pk, root.pk, "k", "t", {"n": 1}, ""), (a.pk, root.pk, "other", "t", {"n": 1}, ""),
        (b.pk, root.pk, "k", "t", {"n": 1}, "")])
    assert update_rows(Notice, ["params", "organization_id"], {a.pk: ({"n": 5, "s": "它"}, None)}, key="person_id",
                       where="kind = %s", where_params=["k"]) == 1
    got = {(n.person_id, n.kind): (n.params, n.organization_id) for n in Notice.objects.all()}
    assert got == {(a.pk, "k"): ({"n": 5, "s": "它"}, None), (a.pk, "other"): ({"n": 1}, root.pk),
                   (b.pk, "k"): ({"n": 1}, root.pk)}
    assert Notice.objects.filter(params__n=5).count() == 1
