"""Synthetic data in the workbook format of CONTRACT §2, for tests and the benchmark.

``dangjian gen --scale tiny|banner|league|province --seed S OUT`` writes a folder of
``<sheet>.csv`` files that ``dangjian import OUT`` accepts as it is. The data has the
shape of the real system: a 自治区党委 over 盟委/市委, over 旗县委, over 苏木镇/街道
党(工)委 and the banner's departments (党组/党工委/党委), over 党总支 and 党支部 in the
nine domains. Committees have leadership teams whose members keep contact points,
link branches and visit them; branches have a tier history and a livelihood-problem
ledger. The gaps the rules look for are put in on purpose, at realistic rates, and
at least once even at the ``tiny`` scale, so that every rule has something to find.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so one seed
and one as-of date give the same files. The organization tree (a few small
objects per organization) is held in memory, because contact links are chosen
inside a committee's subtree; every row is written as soon as it is made.
"""

import bisect
import random
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .common import CATEGORIES, Writer, id_card_number, iso, mobile_number, person_name
from .tree import (ACTIVITY_CONTENT, ACTIVITY_KINDS, ACTIVITY_WEIGHTS, PROBLEM_DETAILS, RATE_CONTACT_POINT_ENDED,
                   RATE_LAGGING, RATE_LAGGING_UNCOVERED, RATE_LINK_DILIGENT, RATE_NO_BRANCH, RATE_NO_CONTACT_POINT,
                   RATE_SECRETARY_SKIPS_LAGGING, SCALES, Org, Tree)


@dataclass
class Leader:
    """A responsible leader on the as-of day: where they answer for, and since when."""

    code: str
    name: str
    home: Org  # the highest committee they sit in: their jurisdiction
    since: date | None  # earliest start among their active committee posts
    secretary_of: list


class Generator:
    def __init__(self, folder, scale="banner", seed=1, as_of=None):
        if scale not in SCALES:
            raise ValueError(f"未知规模：{scale}（可选：{'、'.join(SCALES)}）")
        self.folder = Path(folder)
        self.scale = SCALES[scale]
        self.rng = random.Random(seed)
        self.as_of = as_of or date.today()
        self.people = 0
        self.problems = 0

    def days(self, n):
        return self.as_of - timedelta(days=n)

    def person(self, out, org, born=(1963, 1995)):
        """A new person, written at once; returns (code, name)."""
        rng = self.rng
        self.people += 1
        code = f"P{self.people:07d}"
        name = person_name(rng)
        id_card = ""
        if rng.random() >= 0.06:
            birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
            id_card = id_card_number(rng, org.region, birth)
        mobile = mobile_number(rng) if rng.random() >= 0.08 else ""
        out.row("人员", code, name, id_card, mobile)
        return code, name

    # orgs and tiers
    def write_tree(self, out, tree):
        rng = self.rng
        n = len(tree.branches)
        # Exactly the nominal share is lagging (at least two), so that even ``tiny`` has some.
        lagging = set(rng.sample(range(n), min(n, max(2, round(n * RATE_LAGGING)))))
        self.lagging, self.lagging_set = sorted(lagging), lagging
        for org in tree.orgs:
            tier_here = ("", "")
            if org.kind == "党支部":
                history = self.tier_history(org.lo in lagging)
                if history and rng.random() < 0.4:
                    # The latest entry rides on the 组织 row; the rest go to 支部定级.
                    tier_here = history.pop()
                for tier, rated_on in history:
                    out.row("支部定级", org.code, tier, rated_on)
            out.row("组织", org.code, org.name, org.parent.code if org.parent else "", org.kind, org.domain,
                    *tier_here)

    def tier_history(self, lagging_now):
        """1–3 yearly ratings ending in the tier of the as-of day; a few branches unrated."""
        rng = self.rng
        if not lagging_now and rng.random() < 0.03:
            return []
        count = rng.choices((1, 2, 3), (30, 40, 30))[0]
        latest = self.days(rng.randint(30, 400))
        tiers = ["后进" if lagging_now else rng.choices(("先进", "中间"), (33, 67))[0]]
        for _ in range(count - 1):  # earlier tiers, drifting: a lagging branch was often lagging or middle
            prev = tiers[-1]
            tiers.append(rng.choices(("先进", "中间", "后进"),
                                     {"先进": (60, 35, 5), "中间": (20, 65, 15), "后进": (5, 45, 50)}[prev])[0])
        tiers.reverse()
        dates = [latest - timedelta(days=365 * (count - 1 - i) + rng.randint(-20, 20)) for i in range(count)]
        entries = [(t, iso(d)) for t, d in zip(tiers, dates)]
        if rng.random() < 0.12:
            entries[0] = (entries[0][0], "")  # "since always"
        if rng.random() < 0.01:
            # A rating already decided for a day after the as-of day: it must not count yet.
            entries.append((rng.choice(("先进", "中间")), iso(self.as_of + timedelta(days=rng.randint(5, 60)))))
        return entries

    # leadership teams
    def write_posts(self, out, tree):
        """Teams of every committee and a 书记 for every branch; returns (leaders, former, future)."""
        rng = self.rng
        leaders = {}  # person code -> Leader, in the order first met
        former, future = [], []  # (code, org, start, end) of predecessors; (code, org, start) of appointees
        banner_members = {}  # banner -> [Leader], for concurrent posts below it
        for org in tree.orgs:
            if not org.is_committee:
                self.branch_secretary(out, org)
                continue
            roles = ["书记"] + ["副书记"] * rng.choice((1, 2))
            roles += ["委员"] * (rng.randint(5, 7) - len(roles))
            for role in roles:
                start = None if rng.random() < 0.04 else self.days(rng.randint(20, 6 * 365))
                reuse = banner_members.get(org.parent) if org.parent is not None else None
                if role == "书记" and reuse and org.kind == "党工委" and org.level == "department" \
                        and rng.random() < 0.6:
                    # The banner's 组织部长 often also heads its 直属机关工委: one person, two posts.
                    leader = rng.choice(reuse)
                    code = leader.code
                else:
                    code, name = self.person(out, org)
                    leader = leaders[code] = Leader(code, name, org, start, [])
                    if org.level == "banner" and role == "委员":
                        banner_members.setdefault(org, []).append(leader)
                if role == "书记":
                    leader.secretary_of.append(org)
                out.row("任职", code, org.code, role, iso(start), "")
                if start and rng.random() < 0.2:
                    # The predecessor in this seat, who left the day before.
                    pcode, _ = self.person(out, org, born=(1958, 1985))
                    pstart = start - timedelta(days=rng.randint(2 * 365, 6 * 365))
                    pend = start - timedelta(days=1)
                    out.row("任职", pcode, org.code, role, iso(pstart), iso(pend))
                    former.append((pcode, org, pstart, pend))
            if rng.random() < 0.06:
                # A member appointed for a day after the as-of day: not yet a responsible leader.
                code, _ = self.person(out, org)
                begins = self.as_of + timedelta(days=rng.randint(5, 60))
                out.row("任职", code, org.code, "委员", iso(begins), "")
                future.append((code, org, begins))
        return list(leaders.values()), former, future

    def branch_secretary(self, out, org):
        rng = self.rng
        code, _ = self.person(out, org, born=(1960, 2000))
        start = None if rng.random() < 0.08 else self.days(rng.randint(30, 8 * 365))
        out.row("任职", code, org.code, "书记", iso(start), "")
        if start and rng.random() < 0.05:
            pcode, _ = self.person(out, org, born=(1955, 1990))
            out.row("任职", pcode, org.code, "书记", iso(start - timedelta(days=rng.randint(3 * 365, 5 * 365))),
                    iso(start - timedelta(days=1)))

    # contact links and visits
    def write_links(self, out, tree, leaders, former, future):
        """Each leader's contact point and linked branches, with the gaps of CONTRACT §3 put in.

        Chosen by quota (at least one each): leaders without a contact point, with one
        that ended, without any branch; secretaries who skip the lagging branches of their
        committee; lagging branches nobody may link. Everyone else links inside their own
        committee's subtree, preferring lagging branches that nobody links yet.
        """
        rng = self.rng
        branches = tree.branches
        lagging = self.lagging
        reserved = set(rng.sample(lagging, max(1, round(len(lagging) * RATE_LAGGING_UNCOVERED))))
        covered = set()

        def quota(pool, rate):
            pool = list(pool)
            return {id(x) for x in rng.sample(pool, min(len(pool), max(1, round(len(pool) * rate))))}

        no_cp = quota(leaders, RATE_NO_CONTACT_POINT)
        rest = [ld for ld in leaders if id(ld) not in no_cp]
        cp_ended = quota(rest, RATE_CONTACT_POINT_ENDED)
        # Branch-less leaders are taken among those with a contact point, so it is the only gap they show.
        no_branch = quota([ld for ld in rest if id(ld) not in cp_ended], RATE_NO_BRANCH)
        secretaries = [ld for ld in leaders if any(self.lagging_in(c, reserved) for c in ld.secretary_of)]
        skips = quota(secretaries, RATE_SECRETARY_SKIPS_LAGGING) if secretaries else set()

        def lagging_pick(org):
            """A lagging branch in org's subtree, one nobody links yet if there is one."""
            found = self.lagging_in(org, reserved)
            found = [i for i in found if i not in covered] or found
            return rng.choice(found) if found else None

        def any_pick(org, taken):
            for _ in range(12):
                i = rng.randrange(org.lo, org.hi)
                if i not in reserved and i not in taken:
                    return i
            return None

        # The lowest committees choose first, so that they take their own lagging branches.
        order = sorted(leaders, key=lambda ld: -len(ld.home.code))
        for ld in order:
            taken = set()  # branch indexes
            links = []  # (org, kind, start, end)
            start = ld.since if (ld.since or rng.random() < 0.4) else self.days(rng.randint(100, 2000))
            if start:
                start = min(self.as_of, start + timedelta(days=rng.randint(0, 45)))
            must = []
            if id(ld) not in skips:
                for c in ld.secretary_of:
                    if not any(c.lo <= i < c.hi for i in must):
                        i = lagging_pick(c)
                        if i is not None:
                            must.append(i)
            if id(ld) not in no_cp:
                if id(ld) in no_branch:
                    # A leader whose only link is their township or unit, not a branch.
                    i = any_pick(ld.home, taken)
                    target = branches[i if i is not None else ld.home.lo]
                    cp = target.parent
                elif must and rng.random() < 0.5:
                    cp = branches[must.pop(0)]
                elif ld.home.level in ("province", "league", "banner") and rng.random() < 0.15:
                    i = any_pick(ld.home, taken)
                    cp = (branches[i] if i is not None else branches[ld.home.lo]).unit
                else:
                    i = lagging_pick(ld.home) if rng.random() < 0.3 else None
                    i = i if i is not None and i not in reserved else any_pick(ld.home, taken)
                    cp = branches[i] if i is not None else None
                if cp is not None:
                    if cp.kind == "党支部":
                        taken.add(cp.lo)
                    end = self.days(rng.randint(10, 200)) if id(ld) in cp_ended else None
                    cp_start = start if end is None or start is None or start <= end else None
                    links.append((cp, "联系点", cp_start, end))
            if id(ld) not in no_branch:
                count = rng.choices((1, 2), (70, 30))[0]
                for i in must:
                    if i not in taken:
                        taken.add(i)
                        links.append((branches[i], "联系支部", start, None))
                while sum(1 for _, k, _, _ in links if k == "联系支部") < count:
                    i = lagging_pick(ld.home) if rng.random() < 0.35 else None
                    i = i if i is not None and i not in taken else any_pick(ld.home, taken)
                    if i is None:
                        break
                    taken.add(i)
                    links.append((branches[i], "联系支部", start, None))
                if start and rng.random() < 0.12:
                    # An earlier pairing that ended when this one began.
                    i = any_pick(ld.home, taken)
                    if i is not None:
                        taken.add(i)
                        links.append((branches[i], "联系支部", start - timedelta(days=rng.randint(200, 900)),
                                      start - timedelta(days=1)))
            for org, kind, begins, end in links:
                if end is None and org.kind == "党支部" and org.lo in self.lagging_set:
                    covered.add(org.lo)
                self.link(out, ld.code, org, kind, begins, end)

        for code, org, begins, end in former:
            # Links of leaders who have left end with their post.
            i = any_pick(org, set())
            if i is not None:
                self.link(out, code, branches[i], "联系点", begins, end)
        for code, org, begins in future:
            i = any_pick(org, set())
            if i is not None:
                self.link(out, code, branches[i], "联系点", begins, None)

    def lagging_in(self, org, reserved):
        lo = bisect.bisect_left(self.lagging, org.lo)
        hi = bisect.bisect_left(self.lagging, org.hi)
        return [i for i in self.lagging[lo:hi] if i not in reserved]

    def link(self, out, person, org, kind, start, end):
        out.row("联系点", person, org.code, kind, iso(start), iso(end))
        self.visits(out, person, org, kind, start, end)

    def visits(self, out, person, org, kind, start, end):
        """Visits of one link over the past year: most within 85 days, some overdue, some never."""
        rng = self.rng
        lo = max(self.days(365), start) if start else self.days(365)
        hi = min(self.as_of, end) if end else self.as_of
        if lo > hi:
            return
        span = (hi - lo).days
        if end is not None:
            last = hi - timedelta(days=rng.randint(0, min(60, span)))
        elif rng.random() < RATE_LINK_DILIGENT:
            last = self.days(rng.randint(0, 85))
            if last < lo:
                last = lo + timedelta(days=rng.randint(0, span))
        elif rng.random() < 0.3:
            return  # never visited
        else:
            last = self.days(rng.randint(92, 365))
        day = last
        weights = ACTIVITY_WEIGHTS[kind]
        while day >= lo:
            what = rng.choices(ACTIVITY_KINDS, weights)[0]
            out.row("活动", person, org.code, iso(day), what, ACTIVITY_CONTENT[what].format(o=org.name))
            day -= timedelta(days=rng.randint(28, 110))

    # livelihood problems
    def write_problems(self, out, tree):
        rng = self.rng
        for org in tree.branches:
            for _ in range(rng.choices((0, 1, 2, 3), (45, 42, 10, 3))[0]):
                self.problems += 1
                category = rng.choice(CATEGORIES)
                age = rng.randint(0, 730)
                found = self.days(age)
                weights = (5, 20, 75) if age > 180 else ((12, 28, 60) if age > 30 else (40, 35, 25))
                status = rng.choices(("待办理", "办理中", "已办结"), weights)[0]
                done = ""
                if status == "已办结":
                    done = iso(min(self.as_of, found + timedelta(days=rng.randint(1, 90))))
                team = rng.choice(org.unit.teams) if rng.random() >= 0.08 else ""
                text = rng.choice(PROBLEM_DETAILS).format(c=category, n=rng.randint(2, 60))
                out.row("民生问题", f"MS{self.problems:07d}", org.code, category, f"{org.name}：{text}", iso(found),
                        status, done, team)

    def run(self):
        tree = Tree(self.rng, self.scale)
        root = tree.build()
        with ExitStack() as stack:
            out = Writer(stack, self.folder)
            self.write_tree(out, tree)
            leaders, former, future = self.write_posts(out, tree)
            self.write_links(out, tree, leaders, former, future)
            self.write_problems(out, tree)
        banners = [o.code for o in tree.orgs if o.level == "banner"]
        return {"root": root.code, "banners": banners, "branches": len(tree.branches),
                "leaders": len(leaders), "counts": dict(out.counts)}


def generate(folder, scale="banner", seed=1, as_of=None):
    """Write the CSV folder; return a summary (root code, banner codes, row counts per sheet)."""
    return Generator(folder, scale=scale, seed=seed, as_of=as_of).run()
