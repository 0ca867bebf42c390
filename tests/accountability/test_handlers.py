"""Who acts (CONTRACT §5, 「书记抓书记、一级抓一级」): the handler of each case, recomputed at every sweep."""

from datetime import date

import pytest

from dangjian.accountability.ladder import sweep
from dangjian.accountability.report import cases_report
from dangjian.people.models import Post

D0 = date(2026, 10, 1)


@pytest.fixture
def league(tree):
    tree.org("R", kind="党委")
    tree.org("C", "R", kind="党委")
    tree.org("T", "C", kind="党委")
    tree.org("N", "C", kind="党工委")  # a committee without a secretary
    tree.org("M", "N", kind="党组")  # … and another under it
    tree.org("B1", "T", tiers=[("后进", None)])
    tree.org("B2", "M", tiers=[("后进", None)])
    tree.org("G", "T", kind="党总支")
    tree.org("B3", "G", tiers=[("后进", None)])
    tree.post("PR", "R", "书记")
    tree.post("PC", "C", "书记")
    tree.post("PT", "T", "书记")
    tree.post("PM", "T", "委员")
    tree.post("PN", "N", "副书记")
    tree.post("PX", "M", "委员")
    tree.post("PG", "G", "书记")  # a 党总支's secretary: not a committee, never a handler
    return tree


def handler(rule, person=None, org=None):
    found = [c for c in cases_report().as_json()["cases"]
             if (c["rule"], c["person"], c["org"]) == (rule, person, org) and c["status"] == "open"]
    assert len(found) == 1, (rule, person, org, found)
    return found[0]["handler"], found[0]["unit"]


def test_a_team_member_answers_to_their_committees_secretary(league):
    sweep(on=D0)
    assert handler("contact-point-missing", "PM") == ("PT", "T")


def test_a_secretary_answers_to_the_secretary_above(league):
    sweep(on=D0)
    assert handler("contact-point-missing", "PT") == ("PC", "T")
    assert handler("secretary-lagging-missing", "PT", "T") == ("PC", "T")


def test_a_branch_case_goes_to_the_nearest_committee_with_a_secretary(league):
    sweep(on=D0)
    assert handler("lagging-branch-uncovered", None, "B1") == ("PT", "B1")
    # B3 sits under a 党总支 whose secretary is no committee's: the township's secretary acts
    assert handler("lagging-branch-uncovered", None, "B3") == ("PT", "B3")
    # B2's committees (党组 M, 党工委 N) have no secretary: passed over up to C
    assert handler("lagging-branch-uncovered", None, "B2") == ("PC", "B2")


def test_committees_without_a_secretary_are_passed_over(league):
    sweep(on=D0)
    assert handler("contact-point-missing", "PX") == ("PC", "M")
    assert handler("contact-point-missing", "PN") == ("PC", "N")


def test_the_top_secretary_has_no_handler(league):
    sweep(on=D0)
    assert handler("contact-point-missing", "PR") == (None, "R")


def test_posts_in_two_committees_route_by_the_principal_one(league):
    league.post("PM", "C", "委员")  # fewer ancestors than T: C is the principal post
    sweep(on=D0)
    assert handler("contact-point-missing", "PM") == ("PC", "C")


def test_the_principal_post_prefers_secretary_then_the_lowest_code(league):
    league.org("T2", "C", kind="党委")  # a sibling of T, the same number of ancestors
    league.post("PM", "T2", "书记")  # 书记 in T2 beats 委员 in T: a secretary answers above
    sweep(on=D0)
    assert handler("contact-point-missing", "PM") == ("PC", "T2")
    league.org("T0", "C", kind="党委")
    league.post("PY", "T0", "委员")
    league.post("PY", "T", "委员")  # two equal posts: the lower 组织编码, "T" < "T0" as text
    league.post("PZ", "T0", "书记")
    sweep(on=date(2026, 10, 2))
    assert handler("contact-point-missing", "PY") == ("PT", "T")


def test_a_secretary_case_routes_from_its_own_committee_not_the_principal_post(league):
    league.post("PT", "C", "委员")  # PT's principal post is now 委员 of C …
    sweep(on=D0)
    assert handler("contact-point-missing", "PT") == ("PC", "C")
    # … but the case of T's lagging branch is about PT as T's 书记: the secretary above T acts
    assert handler("secretary-lagging-missing", "PT", "T") == ("PC", "T")


def test_the_secretary_above_must_be_someone_else(league):
    league.post("PT", "C", "书记", start="2026-01-01")  # PT heads both T and C (兼任); PC too, and "PC" < "PT"
    Post.objects.filter(person__code="PC").update(end_date=date(2026, 9, 1))
    sweep(on=D0)
    # T's secretary above is C's, that is PT himself: passed over up to R
    assert handler("secretary-lagging-missing", "PT", "T") == ("PR", "T")


def test_the_lowest_code_as_text_is_the_secretary(league):
    league.post("P10", "T", "书记")
    league.post("P9", "T", "书记")
    Post.objects.filter(person__code="PT").update(end_date=date(2026, 9, 1))
    sweep(on=D0)
    assert handler("contact-point-missing", "PM")[0] == "P10"  # "P10" < "P9" as text


def test_the_handler_follows_the_posts_and_a_closed_case_keeps_its_own(league):
    sweep(on=D0)
    Post.objects.filter(person__code="PT").update(end_date=date(2026, 10, 1))
    league.post("PT2", "T", "书记", start="2026-10-02")
    league.link("PX", "B2", "联系点", start="2026-10-02")  # PX's cases close the same day
    sweep(on=date(2026, 10, 2))
    assert handler("contact-point-missing", "PM") == ("PT2", "T")
    closed = [c for c in cases_report().as_json()["cases"] if c["person"] == "PX" and c["rule"] == "contact-point-missing"]
    assert [(c["status"], c["handler"]) for c in closed] == [("rectified", "PC")]
