"""Each violation of the check has a stable key (rule, person, org) for an accountability case to point at."""

from datetime import date

from hypothesis import given, strategies as st

from dangjian.compliance.rules import Violation, run_check


def test_the_key_is_rule_person_org_with_empty_for_a_null():
    assert Violation("visit-overdue", "P001", "B017", "…").key == "visit-overdue|P001|B017"
    assert Violation("contact-point-missing", "P001", None, "…").key == "contact-point-missing|P001|"
    assert Violation("lagging-branch-uncovered", None, "B017", "…").key == "lagging-branch-uncovered||B017"


def test_the_key_stays_out_of_the_contract_s_json():
    assert set(Violation("visit-overdue", "P001", "B017", "…").as_json()) == {"rule", "person", "org", "message"}


codes = st.one_of(st.none(), st.text(max_size=6))


@given(a=st.tuples(st.sampled_from(["visit-overdue", "branch-link-missing"]), codes, codes),
       b=st.tuples(st.sampled_from(["visit-overdue", "branch-link-missing"]), codes, codes))
def test_two_triples_share_a_key_only_when_they_are_the_same(a, b):
    same = [(r, p or "", o or "") for r, p, o in (a, b)]
    assert (Violation(*a, "").key == Violation(*b, "").key) == (same[0] == same[1])


def test_the_check_s_violations_have_distinct_keys(tree):
    tree.org("C", kind="党委")
    tree.org("B1", "C", tiers=[("后进", None)])
    tree.post("P1", "C", "书记", start="2020-01-01")
    tree.link("P1", "B1", "联系点", start="2020-01-01")
    result = run_check(as_of=date(2026, 6, 1), scope=None, visit_days=90)
    keys = [v.key for v in result.violations]
    assert keys and len(set(keys)) == len(keys)
    assert "visit-overdue|P1|B1" in keys
