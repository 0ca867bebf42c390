"""CONTRACT §5 read literally, in plain Python over the plain data of tests/oracle.py.

The reference the sweep (``dangjian.accountability.ladder``) is checked against: written
from the contract's text alone, one numbered step per paragraph, with the §3 oracle for V.
No database, no sets of ids, no cleverness: every case and post is looked at in turn.

Choices where the text leaves room (the same as the code's, stated here so that a
difference shows up as a failing example rather than a silent agreement):

* "the nearest committee above C that has a secretary other than P": walking up from C's
  parent, the first committee whose *secretary* (the lowest 人员编号 holding an active 书记
  post there) exists and is not P;
* within one key, cases are in the order they were opened (two may open on one day when
  a same-day sweep closed the first).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from tests import oracle

STEPS = ["reminder_talk", "interview", "criticism"]
ROLE_RANK = {"书记": 0, "副书记": 1, "委员": 2}


class Rejected(Exception):
    pass


@dataclass
class Case:
    rule: str
    person: str | None
    org: str | None
    unit: str | None
    handler: str | None
    status: str
    step: str
    opened_on: object
    deadline: object
    closed_on: object = None
    history: list = field(default_factory=list)
    seq: int = 0

    def key(self):
        return (self.rule, self.person, self.org)


class Ladder:
    def __init__(self):
        self.cases = []
        self.last_sweep = None
        self._seq = 0

    # ----- the tree as the contract speaks of it
    @staticmethod
    def _parents(world):
        return {o.code: o.parent for o in world.orgs}

    @staticmethod
    def _committee(world, code):
        return next(o for o in world.orgs if o.code == code).kind in oracle.COMMITTEE_KINDS

    def _ancestors(self, world, code):
        """The organizations above ``code``, nearest first."""
        parents, out = self._parents(world), []
        code = parents[code]
        while code is not None:
            out.append(code)
            code = parents[code]
        return out

    def _active_committee_posts(self, world, day):
        return [p for p in world.posts if oracle.is_active(p.start, p.end, day) and self._committee(world, p.org)]

    def _secretary_of(self, world, day, committee):
        holders = [p.person for p in self._active_committee_posts(world, day)
                   if p.org == committee and p.role == "书记"]
        return min(holders) if holders else None

    def _principal(self, world, day, person):
        posts = [p for p in self._active_committee_posts(world, day) if p.person == person]
        if not posts:
            return None
        best = min(posts, key=lambda p: (len(self._ancestors(world, p.org)), ROLE_RANK[p.role], p.org))
        return best.org, best.role

    def _handler(self, world, day, case):
        if case.person is None:
            for above in self._ancestors(world, case.org):
                if self._committee(world, above) and self._secretary_of(world, day, above) is not None:
                    return self._secretary_of(world, day, above)
            return None
        if case.rule == "secretary-lagging-missing":
            c, role = case.org, "书记"
        else:
            found = self._principal(world, day, case.person)
            if found is None:
                return None
            c, role = found
        if role != "书记" and self._secretary_of(world, day, c) is not None:
            return self._secretary_of(world, day, c)
        for above in self._ancestors(world, c):
            if not self._committee(world, above):
                continue
            secretary = self._secretary_of(world, day, above)
            if secretary is not None and secretary != case.person:
                return secretary
        return None

    # ----- one sweep
    def sweep(self, world, day, N=90, R=30, I=15, K=3):  # noqa: E741
        if self.last_sweep is not None and day < self.last_sweep:
            raise Rejected
        V = oracle.check(world, day, visit_days=N)["violations"]
        leaders = {p.person for p in self._active_committee_posts(world, day)}
        open_cases = [c for c in self.cases if c.status == "open"]

        # 1.
        for c in open_cases:
            if c.key() in V:
                continue
            lapsed = False
            if c.person is not None and c.person not in leaders:
                lapsed = True
            if c.rule == "secretary-lagging-missing" and not any(
                    p.person == c.person and p.org == c.org and p.role == "书记" and oracle.is_active(p.start, p.end, day)
                    for p in world.posts):
                lapsed = True
            if c.rule == "visit-overdue" and not any(
                    lk.person == c.person and lk.org == c.org and oracle.is_active(lk.start, lk.end, day)
                    for lk in world.links):
                lapsed = True
            c.status = "lapsed" if lapsed else "rectified"
            c.closed_on = day
        # 2.
        for c in open_cases:
            if c.status == "open" and c.key() in V and c.deadline is not None and c.deadline < day:
                if c.step == "reminder_talk":
                    c.step, c.deadline = "interview", day + timedelta(days=I)
                    c.history.append((day, "interview"))
                elif c.step == "interview":
                    c.step, c.deadline = "criticism", None
                    c.history.append((day, "criticism"))
        # 3.
        for key in V:
            if not any(c.status == "open" and c.key() == key for c in self.cases):
                rule, person, org = key
                self._seq += 1
                case = Case(rule, person, org, None, None, "open", "reminder_talk", day, day + timedelta(days=R),
                            history=[(day, "reminder_talk")], seq=self._seq)
                if org is not None:
                    case.unit = org
                else:
                    principal = self._principal(world, day, person)
                    case.unit = principal[0] if principal else None
                self.cases.append(case)
        # 4.
        for person in {c.person for c in self.cases if c.person is not None}:
            mine = [c for c in self.cases if c.status == "open" and c.person == person]
            if len(mine) >= K:
                for c in mine:
                    if c.step == "reminder_talk":
                        c.step, c.deadline = "interview", day + timedelta(days=I)
                        c.history.append((day, "interview"))
        # Who acts.
        for c in self.cases:
            if c.status == "open":
                c.handler = self._handler(world, day, c)

        self.last_sweep = day

    # ----- the report
    def report(self, world, scope=None):
        def in_scope(case):
            if scope is None:
                return True
            return case.unit is not None and (case.unit == scope or scope in self._ancestors(world, case.unit))

        kept = [c for c in self.cases if in_scope(c)]
        kept.sort(key=lambda c: (c.rule, c.person is not None, c.person or "", c.org is not None, c.org or "",
                                 c.opened_on, c.status == "open", c.seq))
        summary = {"open": 0, "rectified": 0, "lapsed": 0, "reminder_talk": 0, "interview": 0, "criticism": 0}
        for c in kept:
            summary[c.status] += 1
            if c.status == "open":
                summary[c.step] += 1
        iso = lambda d: d.isoformat() if d is not None else None  # noqa: E731
        return {
            "last_sweep": iso(self.last_sweep),
            "scope": scope,
            "summary": summary,
            "cases": [{"rule": c.rule, "person": c.person, "org": c.org, "unit": c.unit, "handler": c.handler,
                       "status": c.status, "step": c.step, "opened_on": iso(c.opened_on), "deadline": iso(c.deadline),
                       "closed_on": iso(c.closed_on),
                       "history": [{"on": iso(on), "step": s} for on, s in c.history]} for c in kept],
        }
