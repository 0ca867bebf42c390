"""Livelihood-problem figures (CONTRACT §4)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture
def ledger(tree):
    tree.org("B", kind="党委")
    tree.org("T1", "B", kind="党委")
    tree.org("T2", "B", kind="党委")
    tree.org("S1", "T1")
    tree.org("S2", "T2")
    tree.problem("Q1", "S1", "环境卫生", "done", done="2026-02-01")
    tree.problem("Q2", "S1", "环境卫生", "in_progress")
    tree.problem("Q3", "S2", "道路破损", "done", done="2026-03-01")
    tree.problem("Q4", "S2", "充电桩不足", "pending")
    tree.problem("Q5", "S2", "道路破损", "pending")
    return tree


def report(capsys, *args):
    call_command("report", "problems", "--format", "json", *args)
    return json.loads(capsys.readouterr().out)


def test_whole_tree_figures_and_category_order(ledger, capsys):
    out = report(capsys)
    assert out["problems"] == 5
    assert out["completed"] == 2
    assert out["completion_rate"] == 0.4
    assert out["categories"] == 3
    # by problems descending, then by category name
    two = sorted(["环境卫生", "道路破损"])  # equal counts: by category
    assert out["by_category"] == [
        {"category": two[0], "problems": 2, "completed": 1},
        {"category": two[1], "problems": 2, "completed": 1},
        {"category": "充电桩不足", "problems": 1, "completed": 0},
    ]


def test_org_limits_to_the_subtree(ledger, capsys):
    out = report(capsys, "--org", "T1")
    assert (out["problems"], out["completed"], out["categories"]) == (2, 1, 1)
    assert out["completion_rate"] == 0.5


def test_no_problems_gives_zero_rate(tree, capsys):
    tree.org("X", kind="党委")
    out = report(capsys, "--org", "X")
    assert out == {"problems": 0, "completed": 0, "completion_rate": 0, "categories": 0, "by_category": []}


def test_unknown_org_is_rejected(ledger):
    with pytest.raises(CommandError) as excinfo:
        call_command("report", "problems", "--org", "NOPE")
    assert excinfo.value.returncode == 1


def test_rate_has_four_decimals(tree, capsys):
    tree.org("S", kind="党支部")
    for i in range(3):
        tree.problem(f"Q{i}", "S", "环境卫生", "done" if i == 0 else "pending", done="2026-02-01" if i == 0 else None)
    assert report(capsys)["completion_rate"] == 0.3333
