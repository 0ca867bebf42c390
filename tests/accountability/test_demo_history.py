"""The demo's cases have a real history: the ladder swept once a week over the half year before its today."""

from datetime import date

from dangjian.accountability.models import Case, CaseStepReached, Sweep
from dangjian.accountability.report import cases_report
from dangjian.web.management.commands.demo import SWEEP_WEEKS, load_demo

TODAY = date(2026, 11, 26)


def test_the_demo_runs_the_ladder_over_its_past_months(db):
    load_demo(today=TODAY)
    days = list(Sweep.objects.order_by("on").values_list("on", flat=True))
    assert len(days) == SWEEP_WEEKS + 1 and days[-1] == TODAY and days[0] == date(2026, 5, 28)
    report = cases_report().as_json()
    assert report["last_sweep"] == "2026-11-26"
    summary = report["summary"]
    assert summary["rectified"] > 0 and all(summary[s] > 0 for s in ("reminder_talk", "interview", "criticism"))
    # cases opened on many days, climbing on later ones: a history, not one day's snapshot
    assert Case.objects.values("opened_on").distinct().count() > 5
    assert CaseStepReached.objects.values("on").distinct().count() > 10
    handled = [c["handler"] is not None for c in report["cases"] if c["status"] == "open"]
    assert sum(handled) > 0.9 * len(handled)  # only a case at the top of the tree has nobody above it


def test_the_tour_follows_a_fresh_case_from_both_sides(db, frozen_today):
    # hjq_weiyuan (a team member) let her visits slip lately: her case opens on the demo's last sweep at
    # 提醒谈话; the banner's secretary hjq_shuji is her handler. Each sees it in 我的待办.
    from django.contrib.auth import get_user_model

    from tests.test_web_scope import client_for

    load_demo(today=TODAY)
    users = {u.username: u for u in get_user_model().objects.select_related("profile__person")}
    her, him = users["hjq_weiyuan"].profile.person, users["hjq_shuji"].profile.person
    case = Case.objects.get(person=her, status="open")
    assert (case.rule, case.step, case.opened_on, case.handler_id) == ("visit-overdue", "reminder_talk", TODAY, him.pk)
    mine = client_for(users["hjq_weiyuan"]).get("/todo/").content.decode()
    assert f"/accountability/cases/{case.pk}/" in mine and "还有 30 天" in mine
    his = client_for(users["hjq_shuji"]).get("/todo/").content.decode()
    assert f"/accountability/cases/{case.pk}/" in his and "提醒谈话" in his
