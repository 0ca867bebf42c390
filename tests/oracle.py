"""CONTRACT §3 read literally, in plain Python over plain data.

This is the reference the rule engine (``dangjian.compliance.rules``) is checked
against. It is written from the contract text alone, one rule per paragraph, with
no SQL, no database and no cleverness: every organization, person and link is
looked at in turn. Inputs use the contract's own (Chinese) words for kinds, roles,
tiers and link types, and ``None`` for a blank date.

Where the contract leaves room, the choices made here are:

* a violation is identified by its (rule, person, org) triple, so two active 书记
  posts of one person in one committee give one ``secretary-lagging-missing``
  violation (and two links to one organization give one ``visit-overdue`` pair, as
  the contract says "pair" outright);
* ``None`` sorts before any code when violations are ordered by rule, person, org.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

COMMITTEE_KINDS = frozenset({"党委", "党组", "党工委"})  # "a committee is … 党委, 党组 or 党工委"
BRANCH_KIND = "党支部"  # "a branch is one of type 党支部"
LAGGING = "后进"
SECRETARY = "书记"
CONTACT_POINT = "联系点"


@dataclass(frozen=True)
class Org:
    code: str
    parent: str | None
    kind: str  # 党委 党组 党工委 党总支 党支部
    tiers: tuple = ()  # ((tier, date-or-None), …): "tier T from d on"


@dataclass(frozen=True)
class Post:
    person: str
    org: str
    role: str  # 书记 副书记 委员
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Link:
    person: str
    org: str
    kind: str  # 联系点 联系支部
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Activity:
    person: str
    org: str
    date: date


@dataclass
class World:
    orgs: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    links: list = field(default_factory=list)
    activities: list = field(default_factory=list)


def is_active(start, end, day):
    """§2: "active on day D when its start is blank or ≤ D and its end is blank or ≥ D"."""
    return (start is None or start <= day) and (end is None or end >= day)


def tier_on(org, day):
    """§2: "the entry with the latest date ≤ D (blank counts as earliest); with none, unrated" (None)."""
    best = None  # (sort key, tier)
    for tier, when in org.tiers:
        if when is not None and when > day:
            continue
        # a blank entry is earlier than any dated one
        key = (0, date.min) if when is None else (1, when)
        if best is None or key > best[0]:
            best = (key, tier)
    return None if best is None else best[1]


def check(world, as_of, scope=None, visit_days=90):
    """The JSON object of ``dangjian check`` with violations as (rule, person, org) triples."""
    orgs = {o.code: o for o in world.orgs}
    D, N = as_of, visit_days

    def ancestors_or_self(code):
        seen = []
        while code is not None:
            seen.append(code)
            code = orgs[code].parent
        return seen

    def in_subtree(code, root):
        """``code`` lies in the subtree of ``root``, ``root`` itself included."""
        return root in ancestors_or_self(code)

    def in_scope(code):
        return scope is None or in_subtree(code, scope)

    def is_committee(code):
        return orgs[code].kind in COMMITTEE_KINDS

    def is_branch(code):
        return orgs[code].kind == BRANCH_KIND

    def lagging(code):
        return is_branch(code) and tier_on(orgs[code], D) == LAGGING

    active_posts = [p for p in world.posts if is_active(p.start, p.end, D)]
    active_links = [lk for lk in world.links if is_active(lk.start, lk.end, D)]

    # "the responsible leaders are the persons holding a post active on D in a committee inside S"
    leaders = {p.person for p in active_posts if is_committee(p.org) and in_scope(p.org)}
    # "… who is a responsible leader anywhere in the tree on D"
    leaders_anywhere = {p.person for p in active_posts if is_committee(p.org)}

    violations = set()

    # contact-point-missing: responsible leader with no active link of type 联系点
    for person in leaders:
        if not any(lk.person == person and lk.kind == CONTACT_POINT for lk in active_links):
            violations.add(("contact-point-missing", person, None))

    # branch-link-missing: responsible leader with no active link, of either type, to a branch
    for person in leaders:
        if not any(lk.person == person and is_branch(lk.org) for lk in active_links):
            violations.add(("branch-link-missing", person, None))

    # secretary-lagging-missing: active 书记 post of P in committee C inside S, where C's
    # subtree holds a branch lagging on D and P has no active link to a branch lagging on D
    # inside C's subtree
    for post in active_posts:
        c = post.org
        if post.role != SECRETARY or not is_committee(c) or not in_scope(c):
            continue
        lagging_below = {o for o in orgs if in_subtree(o, c) and lagging(o)}
        if not lagging_below:
            continue
        if not any(lk.person == post.person and lk.org in lagging_below for lk in active_links):
            violations.add(("secretary-lagging-missing", post.person, c))

    # lagging-branch-uncovered: branch inside S lagging on D with no active link from any
    # person who is a responsible leader anywhere in the tree on D
    branches_in_scope = [o for o in orgs if is_branch(o) and in_scope(o)]
    lagging_in_scope = [o for o in branches_in_scope if lagging(o)]
    for b in lagging_in_scope:
        if not any(lk.org == b and lk.person in leaders_anywhere for lk in active_links):
            violations.add(("lagging-branch-uncovered", None, b))

    # visit-overdue: pair (leader P, organization T) with an active link of either type that
    # started on or before D − N (or has a blank start), and no 活动 row of P at T dated
    # D − N + 1 … D
    due_from, window_start = D - timedelta(days=N), D - timedelta(days=N - 1)
    for lk in active_links:
        if lk.person not in leaders:
            continue
        if lk.start is not None and lk.start > due_from:
            continue
        visited = any(a.person == lk.person and a.org == lk.org and window_start <= a.date <= D
                      for a in world.activities)
        if not visited:
            violations.add(("visit-overdue", lk.person, lk.org))

    ordered = sorted(violations, key=lambda v: (v[0], v[1] or "", v[2] or ""))
    named = {person for _, person, _ in ordered if person is not None}
    uncovered = sum(1 for v in ordered if v[0] == "lagging-branch-uncovered")
    return {
        "as_of": D.isoformat(),
        "scope": scope,
        "visit_days": N,
        "summary": {
            "responsible_leaders": len(leaders),
            "compliant_leaders": len(leaders - named),
            "branches": len(branches_in_scope),
            "lagging_branches": len(lagging_in_scope),
            "covered_lagging_branches": len(lagging_in_scope) - uncovered,
        },
        "violations": ordered,
    }
