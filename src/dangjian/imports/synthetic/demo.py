"""The demo: the page's own figures (DOMAIN §7), as records.

The demo is written as a workbook (a CSV folder) and loaded by the same importer as
any user's workbook; every figure the app then shows (625 problems, 415 completed,
54 categories …) is computed from those records by the same code as every report.

- 杭锦旗: 23 county-level cadres paired one to one with 12 嘎查村, 2 社区, 6 机关,
  1 离退休干部 and 2 非公有制经济组织和社会组织 branches; 125 volunteer teams with
  4,106 members; 625 livelihood problems in 54 categories, 415 completed.
- 阿拉善盟, 达拉特旗平原街道, 乌拉特后旗乌盖苏木 …: committees, branches, contact
  links and visits over the past year, with realistic gaps for the check to find.
"""

import random
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .common import CATEGORIES, Writer, id_card_number, mobile_number, person_name

SEED = 20201030  # the page's date

HJQ_PROBLEMS, HJQ_DONE = 625, 415
HJQ_TEAMS, HJQ_MEMBERS = 125, 4106

# 杭锦旗's pairing: 23 branches by domain.
HJQ_PAIRING = [("嘎查村", 12), ("社区", 2), ("机关", 6), ("离退休干部", 1), ("非公有制企业", 1), ("社会组织", 1)]

ACCOUNT_PASSWORD = "demo1234"


@dataclass
class DemoBook:
    today: date
    rng: random.Random
    orgs: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    people: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    links: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    teams: dict = field(default_factory=dict)  # name -> members
    accounts: list = field(default_factory=list)  # (username, role, org code, person code, description)
    _person_seq: int = 0

    def day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def org(self, code, name, parent, kind, domain="", tier=None, rated_days_ago=None):
        self.orgs.append([code, name, parent or "", kind, domain, "", ""])
        if tier:
            self.tiers.append([code, tier, self.day(rated_days_ago).isoformat() if rated_days_ago else ""])
        return code

    def person(self, name=None):
        self._person_seq += 1
        code = f"P{self._person_seq:05d}"
        rng = self.rng
        if name is None:
            name = person_name(rng)
        region = rng.choice(["152921", "152922", "152923", "150625", "150621", "150825"])
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
        id_card, mobile = id_card_number(rng, region, birth), mobile_number(rng)
        self.people.append([code, name, id_card, mobile])
        return code

    def post(self, person, org, role, start_days_ago=1500, end_days_ago=None):
        self.posts.append([person, org, role, self.day(start_days_ago).isoformat(),
                           self.day(end_days_ago).isoformat() if end_days_ago is not None else ""])

    def link(self, person, org, kind, start_days_ago=400, end_days_ago=None):
        self.links.append([person, org, kind, self.day(start_days_ago).isoformat(),
                           self.day(end_days_ago).isoformat() if end_days_ago is not None else ""])

    def visits(self, person, org, every_days, until_days_ago=0, since_days_ago=365):
        """Activities every ~every_days from since_days_ago until until_days_ago."""
        rng = self.rng
        kinds = ["调研指导", "专题党课", "督导检查", "结对帮扶"]
        contents = {"调研指导": "调研指导支部标准化规范化建设", "专题党课": "讲授专题党课", "督导检查": "督导检查“三会一课”落实情况",
                    "结对帮扶": "走访结对帮扶对象，协调解决实际困难"}
        d = since_days_ago - rng.randrange(0, max(1, every_days))
        seen = set()
        while d >= until_days_ago:
            kind = rng.choice(kinds)
            key = (d, kind)
            if key not in seen:
                seen.add(key)
                self.activities.append([person, org, self.day(d).isoformat(), kind, contents[kind]])
            d -= every_days + rng.randrange(-10, 11)

    def write(self, folder):
        """The demo as a CSV folder, its sheets and columns as the apps declare them."""
        sheets = {"组织": self.orgs, "支部定级": self.tiers, "人员": self.people, "任职": self.posts,
                  "联系点": self.links, "活动": self.activities, "民生问题": self.problems}
        with ExitStack() as stack:
            out = Writer(stack, folder)
            for name, rows in sheets.items():
                for row in rows:
                    out.row(name, *row)
        return Path(folder)


def _team(book, code, members, size):
    """A leadership team: secretary, deputies, members; returns person codes in that order."""
    people = []
    for i in range(size):
        role = "书记" if i == 0 else ("副书记" if i <= members else "委员")
        p = book.person()
        book.post(p, code, role, start_days_ago=book.rng.randrange(400, 2000))
        people.append(p)
    return people


def _branch_tier(book, code, lagging_share=0.1):
    rng = book.rng
    r = rng.random()
    tier = "后进" if r < lagging_share else ("先进" if r < lagging_share + 0.35 else "中间")
    # An earlier rating and the current one, so the history has something to show.
    book.tiers.append([code, rng.choice(["中间", "后进", "先进"]), book.day(rng.randrange(500, 800)).isoformat()])
    book.tiers.append([code, tier, book.day(rng.randrange(20, 300)).isoformat()])
    return tier


def build(today=None, seed=SEED):
    rng = random.Random(seed)
    book = DemoBook(today=today or date.today(), rng=rng)
    nm = book.org("150000", "内蒙古自治区党委", None, "党委")

    # ---- 鄂尔多斯市 / 杭锦旗: the page's figures --------------------------------------------
    eeds = book.org("150600", "鄂尔多斯市委", nm, "党委")
    hjq = book.org("150625", "杭锦旗委", eeds, "党委")
    gov = book.org("15062501", "杭锦旗人民政府党组", hjq, "党组")
    rd = book.org("15062502", "杭锦旗人大常委会党组", hjq, "党组")
    zx = book.org("15062503", "杭锦旗政协党组", hjq, "党组")
    jg = book.org("15062504", "杭锦旗直属机关工作委员会", hjq, "党工委")
    towns = [("15062510", "锡尼镇党委"), ("15062511", "伊和乌素苏木党委"), ("15062512", "独贵塔拉镇党委"),
             ("15062513", "吉日嘎朗图镇党委"), ("15062514", "呼和木独镇党委"), ("15062515", "巴拉贡镇党委")]
    for code, name in towns:
        book.org(code, name, hjq, "党委")
    villages = ["阿斯楞图", "乌兰陶勒盖", "巴音乌素", "锡尼布拉格", "哈日陶勒盖", "浩绕柴达木", "塔拉沟", "道劳",
                "呼和乌素", "宝日陶勒盖", "新召", "沙日摸都", "阿日柴达木", "图古日格"]
    hjq_branches = {"嘎查村": [], "社区": [], "机关": [], "离退休干部": [], "非公有制企业": [], "社会组织": []}
    n = 0
    for i, v in enumerate(villages):
        town = towns[i % len(towns)][0]
        n += 1
        code = f"{town}{n:02d}"
        book.org(code, f"{v}嘎查党支部", town, "党支部", "嘎查村")
        hjq_branches["嘎查村"].append(code)
    for i, c in enumerate(["锡尼镇阳光社区", "锡尼镇团结社区", "锡尼镇滨河社区"]):
        n += 1
        code = f"{towns[0][0]}{n:02d}"
        book.org(code, f"{c}党支部", towns[0][0], "党支部", "社区")
        hjq_branches["社区"].append(code)
    for i, dept in enumerate(["旗委组织部", "旗委宣传部", "旗医疗保障局", "旗教育体育局", "旗农牧局", "旗民政局",
                              "旗卫生健康委员会", "旗交通运输局"]):
        code = f"{jg}{i + 1:02d}"
        book.org(code, f"{dept}党支部", jg, "党支部", "机关")
        hjq_branches["机关"].append(code)
    book.org(f"{jg}20", "旗直机关离退休干部党支部", jg, "党支部", "离退休干部")
    hjq_branches["离退休干部"].append(f"{jg}20")
    book.org(f"{towns[2][0]}80", "独贵塔拉镇杭锦淖尔农牧业有限公司党支部", towns[2][0], "党支部", "非公有制企业")
    hjq_branches["非公有制企业"].append(f"{towns[2][0]}80")
    book.org(f"{towns[0][0]}81", "锡尼镇社会组织联合党支部", towns[0][0], "党支部", "社会组织")
    hjq_branches["社会组织"].append(f"{towns[0][0]}81")

    # Every branch has its own secretary (a branch secretary, not a responsible leader).
    branch_secretaries = {}
    for codes in hjq_branches.values():
        for code in codes:
            branch_secretaries[code] = book.person()
            book.post(branch_secretaries[code], code, "书记", start_days_ago=rng.randrange(300, 1800))

    # Tiers: every branch rated; two of the paired villages and one unpaired are lagging.
    lagging = set(hjq_branches["嘎查村"][:2]) | {hjq_branches["嘎查村"][13]}
    for codes in hjq_branches.values():
        for code in codes:
            if code in lagging:
                book.tiers.append([code, "中间", book.day(700).isoformat()])
                book.tiers.append([code, "后进", book.day(200).isoformat()])
            else:
                _branch_tier(book, code, lagging_share=0)

    # 23 county-level cadres: 11 in the banner committee, 6 government, 3 people's congress, 3 CPPCC.
    cadres = (_team(book, hjq, 2, 11) + _team(book, gov, 1, 6) + _team(book, rd, 1, 3) + _team(book, zx, 1, 3))
    assert len(cadres) == 23
    pairing = []
    for domain, count in HJQ_PAIRING:
        pairing += hjq_branches[domain][:count]
    assert len(pairing) == 23
    # The banner secretary takes a lagging branch (the hard requirement); one to one for the rest.
    pairing.sort(key=lambda c: c not in lagging)
    for cadre, branch in zip(cadres, pairing):
        book.link(cadre, branch, "联系点", start_days_ago=rng.randrange(300, 700))
        # Most go at least quarterly; three have let it slip long ago, and the team member with a demo
        # account (hjq_weiyuan) lately: her case opens on the last sweep and waits at 提醒谈话, so the
        # tour follows one from both sides (she and her handler, the banner's secretary hjq_shuji).
        if cadre in cadres[-3:]:
            book.visits(cadre, branch, 60, until_days_ago=rng.randrange(100, 160))
        else:
            book.visits(cadre, branch, rng.randrange(25, 60), until_days_ago=rng.randrange(0, 30))
        if cadre is cadres[3]:  # her last visit 96 days ago: within the 90 days a week ago, not today
            last = book.day(96).isoformat()
            book.activities = [a for a in book.activities if not (a[0] == cadre and a[2] > last)]
            book.activities.append([cadre, branch, last, "调研指导", "调研指导支部标准化规范化建设"])

    # Township teams: members link branches of their own township, with gaps.
    _township_teams(book, [t[0] for t in towns], hjq_branches, lagging)
    for code in [jg]:
        _team(book, code, 1, 4)

    # 125 volunteer teams with 4,106 members; 625 problems in 54 categories, 415 done.
    _volunteers_and_problems(book, [b for codes in hjq_branches.values() for b in codes if b in
                                    set(hjq_branches["嘎查村"] + hjq_branches["社区"])])

    # ---- other banners: 阿拉善盟, 达拉特旗平原街道, 乌拉特后旗乌盖苏木 -------------------------------
    als = book.org("152900", "阿拉善盟委", nm, "党委")
    _banner(book, als, "152921", "阿拉善左旗委", ["巴彦浩特镇", "温都尔勒图镇", "巴润别立镇"], 5)
    _banner(book, als, "152922", "阿拉善右旗委", ["额肯呼都格镇", "雅布赖镇"], 4)
    _banner(book, als, "152923", "额济纳旗委", ["达来呼布镇", "东风镇"], 4)
    dlt = _banner(book, eeds, "150621", "达拉特旗委", ["平原街道", "树林召镇", "王爱召镇"], 5, street=True)
    bynr = book.org("150800", "巴彦淖尔市委", nm, "党委")
    _banner(book, bynr, "150825", "乌拉特后旗委", ["乌盖苏木", "巴音宝力格镇"], 4)

    _accounts(book, hjq=hjq, cadres=cadres, branch=pairing[5], branch_secretary=branch_secretaries[pairing[5]],
              als=als, dlt=dlt)
    return book


def _township_teams(book, towns, branches, lagging):
    rng = book.rng
    by_town = {}
    for codes in branches.values():
        for code in codes:
            by_town.setdefault(code[:8], []).append(code)
    for i, town in enumerate(towns):
        team = _team(book, town, 1, 5)
        local = by_town.get(town, [])
        if not local:
            continue
        local_lagging = [b for b in local if b in lagging]
        for j, p in enumerate(team):
            if i == 1 and j == 4:
                continue  # a member with no contact point at all
            target = local_lagging[0] if (j == 0 and local_lagging and i != 0) else local[j % len(local)]
            book.link(p, target, "联系点", start_days_ago=rng.randrange(200, 500))
            if rng.random() < 0.8:
                book.visits(p, target, rng.randrange(30, 80), until_days_ago=rng.randrange(0, 40))


def _volunteers_and_problems(book, places):
    rng = book.rng
    members = [HJQ_MEMBERS // HJQ_TEAMS] * HJQ_TEAMS
    for i in range(HJQ_MEMBERS - sum(members)):
        members[i] += 1
    for i in range(HJQ_TEAMS):  # shuffle sizes a little, keeping the total
        j = rng.randrange(HJQ_TEAMS)
        shift = rng.randrange(0, 6)
        if members[i] - shift > 10:
            members[i] -= shift
            members[j] += shift
    teams = [f"杭锦旗党员志愿服务队第{i + 1:03d}队" for i in range(HJQ_TEAMS)]
    book.teams = dict(zip(teams, members))
    assert sum(book.teams.values()) == HJQ_MEMBERS

    weights = [40, 36, 30, 28, 22, 20] + [8] * 48
    categories = list(CATEGORIES)  # every category at least once, the rest by weight
    categories += rng.choices(CATEGORIES, weights=weights, k=HJQ_PROBLEMS - len(CATEGORIES))
    rng.shuffle(categories)
    done = set(rng.sample(range(HJQ_PROBLEMS), HJQ_DONE))
    for i, category in enumerate(categories):
        found = rng.randrange(30, 360)
        if i in done:
            status, completed = "已办结", book.day(rng.randrange(0, found)).isoformat()
        else:
            status, completed = rng.choice(["待办理", "办理中", "办理中"]), ""
        book.problems.append([f"HJQ{i + 1:04d}", rng.choice(places), category, f"群众反映{category}问题",
                              book.day(found).isoformat(), status, completed, teams[i % HJQ_TEAMS]])


def _banner(book, parent, code, name, towns, branches_per_town, street=False):
    rng = book.rng
    book.org(code, name, parent, "党委")
    banner_team = _team(book, code, 2, 7)
    all_local = []
    for i, town in enumerate(towns):
        tcode = f"{code}{i + 10:02d}"
        is_street = street and town.endswith("街道")
        book.org(tcode, f"{town}党{'工委' if is_street else '委'}", code, "党工委" if is_street else "党委")
        team = _team(book, tcode, 1, 5)
        local = []
        for j in range(branches_per_town):
            bcode = f"{tcode}{j + 1:02d}"
            domain = "社区" if is_street else rng.choice(["嘎查村", "嘎查村", "社区", "机关"])
            suffix = "社区" if domain == "社区" else ("嘎查" if domain == "嘎查村" else "机关")
            book.org(bcode, f"{town}第{j + 1}{suffix}党支部", tcode, "党支部", domain)
            _branch_tier(book, bcode, lagging_share=0.15)
            secretary = book.person()
            book.post(secretary, bcode, "书记", start_days_ago=rng.randrange(300, 1500))
            local.append(bcode)
        for k, p in enumerate(team):
            if rng.random() < 0.08:
                continue  # no contact point: the check will say so
            target = local[k % len(local)]
            book.link(p, target, "联系点", start_days_ago=rng.randrange(100, 600))
            if rng.random() < 0.5:
                book.link(p, local[(k + 1) % len(local)], "联系支部", start_days_ago=rng.randrange(100, 600))
            if rng.random() < 0.75:
                book.visits(p, target, rng.randrange(30, 80), until_days_ago=rng.randrange(0, 60))
        all_local += local
    # The banner's own team: one contact point each, one to one across its townships.
    for k, p in enumerate(banner_team):
        if k == len(banner_team) - 1 and rng.random() < 0.5:
            continue
        target = all_local[(k * 3) % len(all_local)]
        book.link(p, target, "联系点", start_days_ago=rng.randrange(150, 600))
        book.visits(p, target, rng.randrange(30, 70), until_days_ago=rng.randrange(0, 70))
    return code


def _accounts(book, hjq, cadres, branch, branch_secretary, als, dlt):
    book.accounts = [
        ("admin", "org_admin", "150000", None, "全部演示数据的组织部管理员"),
        ("hjq_zzb", "org_admin", hjq, None, "杭锦旗委组织部管理员"),
        ("hjq_shuji", "leader", hjq, cadres[0], "杭锦旗委书记（责任主体）"),
        ("hjq_weiyuan", "leader", hjq, cadres[3], "杭锦旗委班子成员（责任主体）"),
        ("zhibu_shuji", "branch_secretary", branch, branch_secretary, "杭锦旗一个嘎查党支部的书记"),
        ("hjq_jiwei", "inspector", hjq, None, "杭锦旗纪委监委督查（只读，可记录督查意见）"),
        ("als_jiwei", "inspector", als, None, "阿拉善盟纪委监委督查"),
        ("dlt_zzb", "org_admin", dlt, None, "达拉特旗委组织部管理员"),
        # 三员分立: the login history is the audit administrator's, not the department's (admin's).
        ("shenji", "auditor", "150000", None, "全部演示数据的审计管理员（只读修改记录和登录记录）"),
    ]
