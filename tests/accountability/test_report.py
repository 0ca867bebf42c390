"""``dangjian accountability report``: the JSON of CONTRACT §5, its order, --org, the table and the workbook."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accountability.ladder import sweep
from tests.accountability.test_ladder import banner  # noqa: F401  (the small banner)

D0 = date(2026, 10, 1)


def report(capsys, *args):
    call_command("accountability", "report", "--format", "json", *args)
    return json.loads(capsys.readouterr().out)


def test_before_any_sweep_the_report_is_empty(db, capsys):
    assert report(capsys) == {"last_sweep": None, "scope": None,
                              "summary": {"open": 0, "rectified": 0, "lapsed": 0, "reminder_talk": 0,
                                          "interview": 0, "criticism": 0},
                              "cases": []}


def test_the_json_has_the_contract_shape(banner, capsys):  # noqa: F811
    sweep(on=D0)
    sweep(on=date(2026, 11, 1))
    out = report(capsys)
    assert list(out) == ["last_sweep", "scope", "summary", "cases"]
    assert out["last_sweep"] == "2026-11-01" and out["scope"] is None
    assert list(out["summary"]) == ["open", "rectified", "lapsed", "reminder_talk", "interview", "criticism"]
    c = next(c for c in out["cases"] if c["rule"] == "contact-point-missing" and c["person"] == "PM")
    assert c == {"rule": "contact-point-missing", "person": "PM", "org": None, "unit": "T", "handler": "PT",
                 "status": "open", "step": "interview", "opened_on": "2026-10-01", "deadline": "2026-11-16",
                 "closed_on": None,
                 "history": [{"on": "2026-10-01", "step": "reminder_talk"}, {"on": "2026-11-01", "step": "interview"}]}
    # PT's three cases reached interview on the first day (K = 3) and criticism on the second
    assert out["summary"] == {"open": 5, "rectified": 0, "lapsed": 0, "reminder_talk": 0, "interview": 2,
                              "criticism": 3}
    assert len(out["cases"]) == 5


def test_cases_are_sorted_by_rule_person_org_nulls_first_then_opened_closed_first(banner, capsys):  # noqa: F811
    from dangjian.contacts.models import ContactLink

    ContactLink.objects.filter(organization__code="B1").update(end_date=date(2026, 9, 20))  # B1 uncovered
    banner.link("PM", "B2", "联系点", start="2026-01-01")
    banner.link("PM", "B1", "联系支部", start="2026-01-01")
    sweep(on=D0)
    link = banner.link("PT", "B1", "联系点", start="2026-10-02", end="2026-10-09")
    sweep(on=date(2026, 10, 5))
    sweep(on=date(2026, 10, 10))  # PT's contact-point-missing: closed, then opened again
    cases = report(capsys)["cases"]
    order = [(c["rule"], c["person"] is not None, c["person"] or "", c["org"] is not None, c["org"] or "",
              c["opened_on"], c["status"] == "open") for c in cases]
    assert order == sorted(order)
    rules = [c["rule"] for c in cases]
    assert rules == sorted(rules)
    pt = [(c["status"], c["opened_on"]) for c in cases if c["rule"] == "contact-point-missing" and c["person"] == "PT"]
    assert pt == [("rectified", "2026-10-01"), ("open", "2026-10-10")]
    visits = [c["org"] for c in cases if c["rule"] == "visit-overdue"]
    assert visits == ["B1", "B2"]
    assert link


def test_org_keeps_the_cases_whose_unit_lies_in_the_subtree_and_counts_them(banner, capsys):  # noqa: F811
    banner.org("T9", "C", kind="党委")
    banner.post("P9", "T9", "委员")
    sweep(on=D0)
    everything = report(capsys)
    t = report(capsys, "--org", "T")
    assert t["scope"] == "T" and t["last_sweep"] == "2026-10-01"
    assert t["cases"] == [c for c in everything["cases"] if c["unit"] in {"T", "B1", "B2"}]
    assert {c["person"] for c in t["cases"]} == {"PM", "PT"}
    assert t["summary"] == {"open": 5, "rectified": 0, "lapsed": 0, "reminder_talk": 2, "interview": 3,
                            "criticism": 0}
    c = report(capsys, "--org", "C")
    assert {x["unit"] for x in c["cases"]} == {"T", "T9"}  # PC and PR keep their duties: none at C or R
    assert c["summary"] == everything["summary"] and t["summary"]["open"] < c["summary"]["open"]
    assert report(capsys, "--org", "B2")["cases"] == []


def test_an_unknown_org_is_rejected_with_exit_status_1(banner, tmp_path):  # noqa: F811
    target = tmp_path / "out.json"
    with pytest.raises(CommandError) as err:
        call_command("accountability", "report", "--org", "NOPE", "--format", "json", "--out", str(target))
    assert err.value.returncode == 1 and "NOPE" in str(err.value)
    assert not target.exists()


def test_xlsx_without_out_is_a_usage_error(db):
    with pytest.raises(CommandError) as err:
        call_command("accountability", "report", "--format", "xlsx")
    assert err.value.returncode == 2


def test_the_workbook_opens_and_lists_the_cases(banner, tmp_path, capsys):  # noqa: F811
    from openpyxl import load_workbook

    sweep(on=D0)
    out = tmp_path / "cases.xlsx"
    call_command("accountability", "report", "--format", "xlsx", "--out", str(out))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("最近问责巡检", "2026-10-01")
    header = next(i for i, r in enumerate(rows) if r and r[0] == "规则编号")
    listed = [r for r in rows[header + 1:] if r and r[0]]
    assert len(listed) == len(report(capsys)["cases"])
    assert any(r[0] == "contact-point-missing" and "PM" in r[2] and r[6] == "整改中" and r[7] == "提醒谈话"
               for r in listed)


def test_the_table_names_people_and_steps(banner, capsys):  # noqa: F811
    sweep(on=D0)
    call_command("accountability", "report")
    text = capsys.readouterr().out
    assert "最近问责巡检 2026-10-01" in text and "人员PM（PM）" in text and "提醒谈话" in text
    assert "未建立党建工作联系点" in text


def test_the_console_script_exit_statuses(tmp_path):
    script = Path(sys.executable).with_name("dangjian")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = lambda *args: subprocess.run([str(script), *args], env=env, cwd=tmp_path,  # noqa: E731
                                       capture_output=True, text=True, timeout=300)
    assert run("migrate").returncode == 0
    first = run("accountability", "sweep", "--as-of", "2026-10-05")
    assert first.returncode == 0, first.stderr
    late = run("accountability", "sweep", "--as-of", "2026-10-04")
    assert late.returncode == 1 and "2026-10-05" in late.stderr
    assert run("accountability", "sweep", "--as-of", "2026-13-01").returncode == 2
    assert run("accountability", "sweep", "--many", "-1").returncode == 2
    assert run("accountability").returncode == 2
    assert run("accountability", "report", "--org", "NOPE").returncode == 1
    out = run("accountability", "report", "--format", "json")
    assert out.returncode == 0 and json.loads(out.stdout)["last_sweep"] == "2026-10-05"
