"""The rule check end to end on a small tree (CONTRACT §3)."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from dangjian.compliance.rules import run_check

AS_OF = date(2026, 11, 26)


def rules_of(result):
    return [(v.rule, v.person, v.org) for v in result.violations]


@pytest.fixture
def banner(tree):
    tree.org("L", kind="党委")
    tree.org("B", "L", kind="党委")
    tree.org("T", "B", kind="党委")
    tree.org("S1", "T", tiers=[("后进", "2026-01-01")])
    tree.org("S2", "T", tiers=[("先进", None)])
    tree.post("P1", "B", "书记", start="2020-01-01")
    tree.post("P2", "T", "委员")
    tree.post("P3", "S1", "书记")  # a branch secretary: not a responsible leader
    return tree


def test_a_leader_with_no_links_breaks_both_link_rules(banner):
    result = run_check(as_of=AS_OF)
    assert ("contact-point-missing", "P2", None) in rules_of(result)
    assert ("branch-link-missing", "P2", None) in rules_of(result)
    assert result.summary["responsible_leaders"] == 2
    assert not any(v.person == "P3" for v in result.violations)


def test_linking_the_lagging_branch_clears_the_secretary_and_coverage_rules(banner):
    before = rules_of(run_check(as_of=AS_OF))
    assert ("secretary-lagging-missing", "P1", "B") in before
    assert ("lagging-branch-uncovered", None, "S1") in before
    banner.link("P1", "S1", "联系点", start="2026-11-26")
    after = rules_of(run_check(as_of=AS_OF))
    assert ("secretary-lagging-missing", "P1", "B") not in after
    assert ("lagging-branch-uncovered", None, "S1") not in after
    assert ("contact-point-missing", "P1", None) not in after


def test_json_output_has_the_contract_shape(banner, capsys):
    call_command("checkrules", "--as-of", "2026-11-26", "--org", "T", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2026-11-26"
    assert out["scope"] == "T"
    assert out["visit_days"] == 90
    assert out["summary"] == {"responsible_leaders": 1, "compliant_leaders": 0, "branches": 2,
                              "lagging_branches": 1, "covered_lagging_branches": 0}
    keys = [(v["rule"], v["person"] or "", v["org"] or "") for v in out["violations"]]
    assert keys == sorted(keys)
