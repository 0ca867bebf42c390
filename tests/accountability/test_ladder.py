"""Each step of the ladder (CONTRACT §5) at its boundaries, on a small banner."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accountability.ladder import SweepRejected, sweep
from dangjian.accountability.models import Case, CaseStepReached, Sweep
from dangjian.accountability.report import cases_report
from dangjian.audit.models import AuditEvent, AuditObject
from dangjian.contacts.models import ContactLink
from dangjian.orgs.models import TierRating
from dangjian.people.models import Post

D0 = date(2026, 10, 1)


def d(text):
    return date.fromisoformat(text)


@pytest.fixture
def banner(tree):
    tree.org("R", kind="党委", name="盟委")
    tree.org("C", "R", kind="党委", name="旗委")
    tree.org("T", "C", kind="党委", name="镇党委")
    tree.org("B1", "T", name="后进支部", tiers=[("后进", None)])
    tree.org("B2", "T", name="先进支部", tiers=[("先进", None)])
    tree.post("PR", "R", "书记")
    tree.post("PC", "C", "书记")
    tree.post("PT", "T", "书记")
    tree.post("PM", "T", "委员")
    for person in ("PR", "PC"):  # the two at the top keep their duties: their cases stay out of the way
        tree.link(person, "B1", "联系点", start="2026-09-15")
    return tree


def cases(rule=None, person=None, org=None):
    found = cases_report().as_json()["cases"]
    return [c for c in found if (rule is None or c["rule"] == rule) and (person is None or c["person"] == person)
            and (org is None or c["org"] == org)]


def case(rule, person=None, org=None):
    """The one case of a key (the latest opened when the key opened more than once)."""
    found = cases(rule, person, org)
    assert found, (rule, person, org)
    return found[-1]


def keys(rule=None):
    return {(c["rule"], c["person"], c["org"]) for c in cases(rule) if c["status"] == "open"}


# ----- 3. a key without an open case opens one ---------------------------------------------------------
def test_a_violation_opens_a_case_at_reminder_talk_with_its_deadline(banner):
    sweep(on=D0)
    c = case("contact-point-missing", "PM")
    assert (c["status"], c["step"], c["opened_on"], c["deadline"], c["closed_on"]) == (
        "open", "reminder_talk", "2026-10-01", "2026-10-31", None)
    assert c["history"] == [{"on": "2026-10-01", "step": "reminder_talk"}]
    assert c["unit"] == "T"  # no org: the committee of the principal post
    assert ("lagging-branch-uncovered", None, "B1") not in keys()  # linked by PR and PC
    assert ("secretary-lagging-missing", "PT", "T") in keys()
    assert case("secretary-lagging-missing", "PT", "T")["unit"] == "T"


def test_rectify_days_set_the_deadline(banner):
    sweep(on=D0, rectify_days=7)
    assert case("contact-point-missing", "PM")["deadline"] == "2026-10-08"


# ----- 2. past the deadline, one step up --------------------------------------------------------------
def test_the_deadline_day_itself_keeps_the_step_and_the_day_after_climbs(banner):
    sweep(on=D0)
    sweep(on=d("2026-10-31"))  # the deadline day itself
    c = case("contact-point-missing", "PM")
    assert (c["step"], c["deadline"]) == ("reminder_talk", "2026-10-31")
    sweep(on=d("2026-11-01"))  # the day after
    c = case("contact-point-missing", "PM")
    assert (c["step"], c["deadline"]) == ("interview", "2026-11-16")
    sweep(on=d("2026-11-16"))
    assert case("contact-point-missing", "PM")["step"] == "interview"
    sweep(on=d("2026-11-17"))
    c = case("contact-point-missing", "PM")
    assert (c["step"], c["deadline"], c["status"]) == ("criticism", None, "open")
    assert c["history"] == [{"on": "2026-10-01", "step": "reminder_talk"}, {"on": "2026-11-01", "step": "interview"},
                            {"on": "2026-11-17", "step": "criticism"}]
    sweep(on=d("2027-03-01"))  # criticism is the top: it stays open there until it closes
    c = case("contact-point-missing", "PM")
    assert (c["step"], c["deadline"], c["status"], len(c["history"])) == ("criticism", None, "open", 3)


def test_interview_days_set_the_deadline_after_the_climb(banner):
    sweep(on=D0, rectify_days=1)
    sweep(on=d("2026-10-03"), interview_days=4)
    assert case("contact-point-missing", "PM")["deadline"] == "2026-10-07"


def test_a_sweep_skipping_days_climbs_one_step_only(banner):
    sweep(on=D0)
    sweep(on=d("2027-06-01"))  # long past both deadlines
    c = case("contact-point-missing", "PM")
    assert (c["step"], c["deadline"]) == ("interview", "2027-06-16")


# ----- 4. 突出问题较多 -------------------------------------------------------------------------------------
def test_k_minus_one_open_cases_stay_at_reminder_talk(banner):
    sweep(on=D0, many=3)  # PM: contact-point-missing and branch-link-missing, two cases
    assert {c["step"] for c in cases(person="PM")} == {"reminder_talk"}


def test_k_open_cases_move_up_to_interview_on_the_day(banner):
    sweep(on=D0, many=2)
    mine = cases(person="PM")
    assert len(mine) == 2
    for c in mine:
        assert (c["step"], c["deadline"]) == ("interview", "2026-10-16")
        assert c["history"] == [{"on": "2026-10-01", "step": "reminder_talk"}, {"on": "2026-10-01", "step": "interview"}]


def test_the_kth_case_moves_the_new_one_up_and_leaves_an_interview_alone(banner):
    sweep(on=D0)  # PM: contact-point-missing and branch-link-missing (K−1 = 2)
    sweep(on=d("2026-11-01"))  # both past their deadline: interview until 11-16
    banner.org("T3", "C", kind="党委")
    banner.org("B3", "T3", tiers=[("后进", None)])
    banner.post("PM", "T3", "书记", start="2026-11-02")  # a third: secretary-lagging-missing at T3
    sweep(on=d("2026-11-02"))
    mine = {c["rule"]: c for c in cases(person="PM")}
    assert len(mine) == 3
    third = mine["secretary-lagging-missing"]
    assert (third["step"], third["deadline"]) == ("interview", "2026-11-17")
    assert third["history"] == [{"on": "2026-11-02", "step": "reminder_talk"}, {"on": "2026-11-02", "step": "interview"}]
    for rule in ("contact-point-missing", "branch-link-missing"):
        assert (mine[rule]["step"], mine[rule]["deadline"]) == ("interview", "2026-11-16")
        assert len(mine[rule]["history"]) == 2


def test_cases_without_a_person_never_count_towards_k(banner):
    ContactLink.objects.filter(organization__code="B1").update(end_date=d("2026-09-20"))
    for i in range(3):
        banner.org(f"L{i}", "T", tiers=[("后进", None)])
    sweep(on=D0, many=1)
    assert {c["step"] for c in cases("lagging-branch-uncovered")} == {"reminder_talk"}
    assert {c["step"] for c in cases(person="PM")} == {"interview"}


# ----- 1. closing: rectified or lapsed -----------------------------------------------------------------
def test_a_contact_point_set_up_rectifies(banner):
    sweep(on=D0)
    banner.link("PM", "B2", "联系点", start="2026-10-02")
    sweep(on=d("2026-10-02"))
    c = case("contact-point-missing", "PM")
    assert (c["status"], c["closed_on"], c["step"], c["deadline"]) == ("rectified", "2026-10-02", "reminder_talk",
                                                                       "2026-10-31")
    assert c["history"] == [{"on": "2026-10-01", "step": "reminder_talk"}]  # closing adds no entry


def test_a_leader_who_leaves_every_committee_lapses(banner):
    sweep(on=D0)
    Post.objects.filter(person__code="PM").update(end_date=d("2026-10-01"))
    sweep(on=d("2026-10-02"))
    c = case("contact-point-missing", "PM")
    assert (c["status"], c["closed_on"]) == ("lapsed", "2026-10-02")
    assert c["handler"] == "PT"  # a closed case keeps the handler it had


def test_a_secretary_who_steps_down_but_stays_in_the_team_lapses(banner):
    sweep(on=D0)
    Post.objects.filter(person__code="PT").update(end_date=d("2026-10-01"))
    banner.post("PT", "T", "委员", start="2026-10-02")  # still a responsible leader
    sweep(on=d("2026-10-02"))
    assert case("secretary-lagging-missing", "PT", "T")["status"] == "lapsed"
    assert case("contact-point-missing", "PT")["status"] == "open"


def test_a_secretary_who_links_the_lagging_branch_rectifies(banner):
    sweep(on=D0)
    banner.link("PT", "B1", "联系支部", start="2026-10-02")
    sweep(on=d("2026-10-02"))
    assert case("secretary-lagging-missing", "PT", "T")["status"] == "rectified"


def test_a_branch_no_longer_lagging_rectifies(banner):
    sweep(on=D0)
    TierRating.objects.create(organization=banner.orgs["B1"], tier="middle", rated_on=d("2026-10-02"))
    sweep(on=d("2026-10-02"))
    assert case("secretary-lagging-missing", "PT", "T")["status"] == "rectified"


def test_a_lagging_branch_linked_at_last_rectifies_its_case(banner):
    ContactLink.objects.filter(organization__code="B1").update(end_date=d("2026-09-20"))
    sweep(on=D0)
    assert case("lagging-branch-uncovered", None, "B1")["status"] == "open"
    banner.link("PM", "B1", "联系支部", start="2026-10-02")
    sweep(on=d("2026-10-02"))
    c = case("lagging-branch-uncovered", None, "B1")
    assert (c["status"], c["closed_on"], c["unit"]) == ("rectified", "2026-10-02", "B1")


@pytest.fixture
def overdue(banner):
    banner.link("PM", "B2", "联系点", start="2026-01-01")  # never visited
    sweep(on=D0)
    assert case("visit-overdue", "PM", "B2")["status"] == "open"
    return banner


def test_a_visit_rectifies_visit_overdue(overdue):
    overdue.visit("PM", "B2", "2026-10-02")
    sweep(on=d("2026-10-02"))
    assert case("visit-overdue", "PM", "B2")["status"] == "rectified"


def test_a_link_ended_lapses_visit_overdue(overdue):
    ContactLink.objects.filter(person__code="PM", organization__code="B2").update(end_date=d("2026-10-01"))
    overdue.link("PM", "B1", "联系点", start="2026-10-02")
    sweep(on=d("2026-10-02"))
    assert case("visit-overdue", "PM", "B2")["status"] == "lapsed"


def test_a_longer_visit_window_rectifies_rather_than_lapses(overdue):
    overdue.visit("PM", "B2", "2026-06-01")
    sweep(on=d("2026-10-02"), visit_days=180)
    assert case("visit-overdue", "PM", "B2")["status"] == "rectified"


def test_a_key_opens_again_after_being_rectified(banner):
    sweep(on=D0)
    banner.link("PM", "B2", "联系点", start="2026-10-02", end="2026-10-10")
    sweep(on=d("2026-10-05"))
    sweep(on=d("2026-10-11"))  # the contact point ended: the key is back
    found = cases("contact-point-missing", "PM")
    assert [(c["status"], c["opened_on"], c["closed_on"]) for c in found] == [
        ("rectified", "2026-10-01", "2026-10-05"), ("open", "2026-10-11", None)]
    assert found[1]["history"] == [{"on": "2026-10-11", "step": "reminder_talk"}]
    assert found[1]["deadline"] == "2026-11-10"


def test_closed_before_open_when_a_key_reopens_the_same_day(banner):
    sweep(on=D0)
    link = banner.link("PM", "B2", "联系点", start="2026-09-01")
    sweep(on=D0)  # the same day, the data changed: the case closes
    link.delete()
    sweep(on=D0)  # and opens again
    found = cases("contact-point-missing", "PM")
    assert [(c["status"], c["opened_on"]) for c in found] == [("rectified", "2026-10-01"), ("open", "2026-10-01")]
    assert Sweep.objects.filter(on=D0).count() == 3


# ----- order and idempotence ----------------------------------------------------------------------------
def snapshot():
    return (list(Sweep.objects.values_list("id", flat=True)), Case.objects.count(), CaseStepReached.objects.count(),
            AuditEvent.objects.count(), AuditObject.objects.count(), cases_report().as_json())


def test_a_sweep_dated_before_the_latest_is_refused_and_writes_nothing(banner):
    sweep(on=d("2026-10-05"))
    before = snapshot()
    with pytest.raises(SweepRejected):
        sweep(on=d("2026-10-04"))
    with pytest.raises(CommandError) as err:
        call_command("accountability", "sweep", "--as-of", "2026-10-04")
    assert err.value.returncode == 1
    assert "2026-10-05" in str(err.value)
    assert snapshot() == before


def test_the_same_sweep_twice_changes_nothing(banner):
    banner.link("PM", "B2", "联系点", start="2026-01-01")
    sweep(on=D0, rectify_days=0, many=2)
    sweep(on=d("2026-10-02"), rectify_days=0, many=2)
    before = snapshot()
    outcome = sweep(on=d("2026-10-02"), rectify_days=0, many=2)
    assert not outcome.changed
    assert snapshot() == before
    call_command("accountability", "sweep", "--as-of", "2026-10-02", "--rectify-days", "0", "--many", "2")
    assert snapshot() == before


def test_a_sweep_is_one_audit_event_tied_to_the_cases_it_changed(banner):
    sweep(on=D0)
    event = AuditEvent.objects.get(action="accountability swept")
    assert event.object_type == "accountability.sweep"
    assert event.after["opened"] == Case.objects.count() > 0
    tied = set(AuditObject.objects.filter(event=event, object_type="accountability.case")
               .values_list("object_id", flat=True))
    assert tied == {str(pk) for pk in Case.objects.values_list("id", flat=True)}
    banner.link("PM", "T", "联系点", start="2026-10-02")  # at a committee: not a branch link as well
    sweep(on=d("2026-10-02"))
    second = AuditEvent.objects.filter(action="accountability swept").order_by("-id").first()
    changed = Case.objects.get(rule="contact-point-missing", person__code="PM")
    assert set(AuditObject.objects.filter(event=second).values_list("object_id", flat=True)) == {str(changed.pk)}
    sweep_row = Sweep.objects.order_by("-id").first()
    assert (sweep_row.on, sweep_row.rectified, sweep_row.opened, sweep_row.visit_days, sweep_row.many) == (
        d("2026-10-02"), 1, 0, 90, 3)


def test_the_sweep_takes_a_fixed_number_of_queries(banner, django_assert_max_num_queries):
    sweep(on=D0)
    for i in range(6):  # more of everything: the count must not grow with it
        banner.org(f"T{i}", "C", kind="党委")
        banner.org(f"S{i}", f"T{i}", tiers=[("后进", None)])
        banner.post(f"X{i}", f"T{i}", "委员")
        banner.post(f"Y{i}", f"T{i}", "书记")
        banner.link(f"X{i}", "B2", "联系点", start="2026-01-01")
    Post.objects.filter(person__code="PM").update(end_date=d("2026-10-20"))
    with django_assert_max_num_queries(24):
        sweep(on=d("2026-11-05"))
    assert Case.objects.filter(status="lapsed").exists() and Case.objects.filter(step="interview").exists()
