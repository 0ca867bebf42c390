"""A department's decision on a case (「党员群众反映强烈」's move up, 不予问责) taken while a sweep runs.

Both write CONTRACT §5's fields of the case (``status``, ``step``, the history). The sweep reads every
open case first and writes them back at the end; a decision committed in between would be written
over from a stale read (a dismissed case reopened, a step reached twice, a case dismissed and
rectified at once). Both take the sweep's advisory lock, so one waits for the other: whichever
holds first, the result is one of the two serial orders, with its history whole.

Each race holds the first writer at a point where it has read but not written (the sweep once it has
worked out its changes; the decision once its step is applied, before it commits), starts the second
in its own connection, lets it run as far as it can, then lets the first go.
"""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from dangjian.accountability import ladder, services
from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case, CaseStatus
from tests.accountability.test_steps import MANY, steps  # noqa: F401
from tests.test_web_scope import world  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite's writers queue behind BEGIN IMMEDIATE from the first statement; the race is PostgreSQL's.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's concurrency"),
]

DAY = date(2026, 12, 27)  # the cases opened on 2026-11-26 are past their deadline (2026-12-26): the sweep climbs them
PAUSE = 1.5  # seconds the second writer gets while the first is held


def _race(monkeypatch, first, second, hold):
    """Run ``first`` until it calls ``hold`` (module, name), then ``second``; release ``first`` after PAUSE.
    Returns (first's result, second's result, whether second was still waiting when first was released)."""
    module, name = hold
    original, reached, go = getattr(module, name), threading.Event(), threading.Event()

    def held(*args, **kwargs):
        if not reached.is_set():
            reached.set()
            go.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    results = {}

    def run(key, work):
        try:
            results[key] = work()
        except Exception as error:  # noqa: BLE001  (judged by the test)
            results[key] = error
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first))
    one.start()
    assert reached.wait(30), results.get("first")
    two = threading.Thread(target=run, args=("second", second))
    two.start()
    two.join(PAUSE)
    waited = two.is_alive()
    go.set()
    one.join(60)
    two.join(60)
    return results["first"], results["second"], waited


def _state(key):
    """The cases of ``key`` and their history, as the report and the case page show them."""
    return [(c.status, c.progress, c.step, c.deadline,
             [(h.step, h.on, h.sweep_id is None) for h in c.history.order_by("on", "id")])
            for c in Case.objects.filter(key=key).order_by("id")]


OPENED = ("reminder_talk", date(2026, 11, 26), False)  # the first sweep's entry


def _serial(scenario):
    """The two serial orders' results for ``scenario``: {"sweep first": …, "decision first": …}."""
    interview_by_sweep, interview_by_hand = ("interview", DAY, False), ("interview", DAY, True)
    if scenario == "escalate":
        return {"sweep first": [("open", "pending", "criticism", None,
                                 [OPENED, interview_by_sweep, ("criticism", DAY, True)])],
                "decision first": [("open", "pending", "interview", DAY + timedelta(days=15),
                                    [OPENED, interview_by_hand])]}
    if scenario == "dismiss":
        return {"sweep first": [("lapsed", "dismissed", "interview", DAY + timedelta(days=15),
                                 [OPENED, interview_by_sweep])],
                # the violation persists: the sweep opens a new case for the key
                "decision first": [("lapsed", "dismissed", "reminder_talk", date(2026, 12, 26), [OPENED]),
                                   ("open", "pending", "reminder_talk", DAY + timedelta(days=30),
                                    [("reminder_talk", DAY, False)])]}
    # "dismiss while rectified": PA1 has a contact point now, so the sweep closes the case as put right
    return {"sweep first": [("rectified", "pending", "reminder_talk", date(2026, 12, 26), [OPENED])],
            "decision first": [("lapsed", "dismissed", "reminder_talk", date(2026, 12, 26), [OPENED])]}


def _decision(scenario, world, case):  # noqa: F811
    admin = world.users["a_admin"]
    if scenario == "escalate":
        return lambda: services.escalate(admin, case, "三名党员来信反映")
    return lambda: services.dismiss(admin, case, "因公借调外地，组织已另行安排")


@pytest.mark.parametrize("scenario", ["escalate", "dismiss", "dismiss while rectified"])
@pytest.mark.parametrize("holds_first", ["sweep first", "decision first"])
def test_a_decision_and_a_sweep_at_once_end_as_one_after_the_other(steps, monkeypatch, scenario, holds_first):  # noqa: F811
    case = steps.case  # as the department's page loaded it, before either began
    if scenario == "dismiss while rectified":
        steps.link("PA1", "A1S", "联系点", start="2026-12-01")
    steps.clock.move_to(f"{DAY.isoformat()} 10:00:00+08:00")
    run_sweep, decide = (lambda: sweep(on=DAY, many=MANY)), _decision(scenario, steps, case)
    if holds_first == "sweep first":
        swept, decided, waited = _race(monkeypatch, run_sweep, decide, (ladder, "_counts"))
    else:
        decided, swept, waited = _race(monkeypatch, decide, run_sweep, (services, "_record"))

    assert isinstance(swept, ladder.SweepOutcome) and swept.changed, swept
    if scenario == "dismiss while rectified" and holds_first == "sweep first":
        assert isinstance(decided, ValidationError) and "已结案" in str(decided), decided  # told, nothing written
    else:
        assert isinstance(decided, Case), decided
    assert waited, "the second writer ran while the first held the case"
    state = _state(case.key)
    assert state == _serial(scenario)[holds_first], state
    # Whatever the order: a dismissed case is closed, one open case per key at most, each step reached once.
    assert all(status == CaseStatus.LAPSED for status, progress, *_ in state if progress == "dismissed")
    assert sum(status == CaseStatus.OPEN for status, *_ in state) <= 1
    assert all(len({h[0] for h in history}) == len(history) and history[-1][0] == step
               for _, _, step, _, history in state)
