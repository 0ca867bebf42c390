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
and one as-of date give byte-identical files. The organization tree (a few small
objects per organization) is held in memory, because contact links are chosen
inside a committee's subtree; every row is written as soon as it is made.
"""

import bisect
import csv
import random
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dangjian.people.validators import id_card_check_digit
from dangjian.workbook import sheets as declared_sheets

# ----- the shape of each scale ----------------------------------------------------


@dataclass(frozen=True)
class Scale:
    root: str  # province | league | banner: the top of the generated tree
    leagues: int  # leagues under the province (province only)
    banners: tuple  # (min, max) banners per league
    branches_per_banner: int  # mean branch count of one banner
    townships: tuple  # (min, max) 苏木镇/街道 per banner
    departments: int  # department committees per banner (the first N of DEPARTMENTS)
    direct_share: float  # share of a league's (province's) branches in its own direct units


SCALES = {
    "tiny": Scale("banner", 0, (1, 1), 30, (2, 2), 2, 0.0),
    "banner": Scale("banner", 0, (1, 1), 500, (9, 11), 12, 0.0),
    "league": Scale("league", 0, (7, 7), 390, (8, 11), 12, 0.08),
    "province": Scale("province", 12, (7, 9), 700, (8, 12), 12, 0.06),
}

# The rates of the gaps the rules look for (CONTRACT §3), each at least once.
RATE_NO_CONTACT_POINT = 0.035  # never set up a contact point
RATE_CONTACT_POINT_ENDED = 0.015  # the contact point ended and was not replaced
RATE_NO_BRANCH = 0.03  # no branch linked at all
RATE_SECRETARY_SKIPS_LAGGING = 0.15  # secretary who links no lagging branch of their own
RATE_LAGGING_UNCOVERED = 0.12  # lagging branches nobody links
RATE_LINK_DILIGENT = 0.88  # links visited within the last 85 days
RATE_LAGGING = 0.08  # branches lagging on the as-of day

# Twelve leagues and cities of Inner Mongolia with their division codes.
LEAGUES = (
    ("01", "呼和浩特市"), ("02", "包头市"), ("03", "乌海市"), ("04", "赤峰市"), ("05", "通辽市"),
    ("06", "鄂尔多斯市"), ("07", "呼伦贝尔市"), ("08", "巴彦淖尔市"), ("09", "乌兰察布市"),
    ("22", "兴安盟"), ("25", "锡林郭勒盟"), ("29", "阿拉善盟"),
)

# Domain mixes (weights) of the branches under each kind of unit.
RURAL = {"嘎查村": 72, "机关": 7, "事业单位": 8, "集体企业": 3, "非公有制企业": 4, "社会组织": 2, "离退休干部": 4}
URBAN = {"社区": 64, "机关": 5, "事业单位": 4, "非公有制企业": 12, "社会组织": 10, "离退休干部": 5}

# Department committees of a banner (league, province): name, kind, share weight, domains.
# "{局}" is 厅 at the province and 局 below it.
DEPARTMENTS = (
    ("直属机关工作委员会", "党工委", 5.0, {"机关": 75, "事业单位": 15, "离退休干部": 10}),
    ("非公有制经济组织和社会组织党委", "党委", 3.0, {"非公有制企业": 65, "社会组织": 35}),
    ("教育{局}党组", "党组", 3.0, {"事业单位": 85, "机关": 15}),
    ("卫生健康委员会党组", "党组", 2.0, {"事业单位": 85, "机关": 15}),
    ("国有资产监督管理委员会党委", "党委", 1.5, {"国有企业": 75, "集体企业": 25}),
    ("公安{局}党委", "党委", 1.0, {"机关": 100}),
    ("农牧{局}党组", "党组", 1.0, {"机关": 50, "事业单位": 50}),
    ("老干部{局}党组", "党组", 1.0, {"离退休干部": 80, "机关": 20}),
    ("交通运输{局}党组", "党组", 0.7, {"机关": 60, "事业单位": 20, "国有企业": 20}),
    ("市场监督管理{局}党组", "党组", 0.7, {"机关": 100}),
    ("人民法院党组", "党组", 0.5, {"机关": 100}),
    ("人民检察院党组", "党组", 0.5, {"机关": 100}),
)

# Place-name pieces: Mongolian and Chinese, combined two at a time.
PLACE_A = ("巴彦", "乌兰", "查干", "宝力", "阿拉坦", "额尔敦", "呼和", "哈日", "伊和", "希热", "图门", "那仁",
           "温都", "沙日", "巴音", "哈达", "乌力吉", "达赖", "毛都", "锡林", "格日", "敖伦", "苏木", "新华",
           "东风", "团结", "红旗", "胜利", "和平", "建设", "光明", "幸福", "兴隆", "富民", "长青", "永丰",
           "太平", "丰收", "前进", "向阳", "德胜", "新民", "金山", "白音", "朝阳", "三道", "五一", "青山")
PLACE_B = ("浩特", "乌素", "塔拉", "布拉格", "敖包", "高勒", "陶勒盖", "宝力格", "花", "淖尔", "锡里", "珠日和",
           "图", "套海", "沟", "营子", "河", "台", "桥", "湾", "庄", "堡", "梁", "滩", "井", "泉", "坝", "屯")
BANNER_SUFFIXES = ("旗", "旗", "旗", "县", "区")

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武"
            "戴孔汤云包奇")
GIVEN = "建国军华平明志强伟芳丽敏静秀英玉兰红霞桂凤海涛波磊斌鹏飞宇浩然晓东亮瑞峰晶雪梅琳婷燕娜杰刚勇毅辉林森文博宏俊荣"
MONGOLIAN_NAMES = ("巴特尔", "苏和", "朝鲁", "斯琴高娃", "乌日娜", "其其格", "额尔德尼", "阿拉坦仓", "布和", "巴雅尔",
                   "孟和", "达来", "吉日嘎拉", "那顺", "宝音", "图雅", "萨仁", "格日勒", "娜仁", "敖敦", "呼格吉勒",
                   "哈斯", "满都拉", "特木尔", "额尔敦", "苏日娜", "乌力吉", "阿木古楞", "包玉梅", "那日苏", "其木格",
                   "白音仓", "乌云", "塔娜", "德力格尔", "通拉嘎", "朝格图", "毕力格", "萨础拉", "高娃")

# 54 categories of livelihood problems (DOMAIN §6 names the first six).
CATEGORIES = (
    "环境卫生", "道路破损", "房屋漏雨", "墙皮脱落", "充电桩不足", "绿地不足", "路灯损坏", "下水道堵塞", "供暖不热",
    "自来水水压低", "停车难", "垃圾清运不及时", "楼道杂物堆放", "电梯故障", "化粪池满溢", "围墙破损", "井盖缺失",
    "积水内涝", "噪声扰民", "违章搭建", "占道经营", "流浪犬扰民", "健身器材损坏", "老旧小区改造", "无障碍设施缺失",
    "适老化改造", "养老服务", "就医不便", "医保报销", "低保申请", "就业帮扶", "技能培训", "子女入学", "校车接送",
    "留守儿童关爱", "饮水安全", "农田灌溉", "牧区道路", "草场纠纷", "牲畜防疫", "网络信号差", "快递收发不便",
    "公交线路不足", "燃气安全", "消防通道堵塞", "物业服务", "邻里纠纷", "房屋办证", "危房改造", "拖欠工资",
    "农畜产品销售", "冬季除雪", "供热管网老化", "文化活动场所不足",
)
PROBLEM_DETAILS = (
    "群众反映{c}问题，需协调相关部门解决",
    "入户走访发现{c}，涉及{n}户居民",
    "网格员上报{c}，已登记入民生问题台账",
    "党员志愿者走访时居民集中反映{c}",
    "“我为群众办实事”征集到的{c}问题，涉及{n}户",
)

ACTIVITY_KINDS = ("调研指导", "专题党课", "督导检查", "结对帮扶", "其他")
ACTIVITY_WEIGHTS = {"联系点": (40, 22, 25, 8, 5), "联系支部": (35, 15, 15, 30, 5)}
ACTIVITY_CONTENT = {
    "调研指导": "到{o}调研指导党支部标准化规范化建设",
    "专题党课": "为{o}党员讲授专题党课",
    "督导检查": "督导检查{o}“三会一课”制度落实情况",
    "结对帮扶": "与{o}开展结对帮扶，协调解决实际困难",
    "其他": "参加{o}主题党日活动",
}

CN_NUMBERS = "一二三四五六七八九十"


# ----- the organization tree ------------------------------------------------------


class Org:
    """One organization; ``lo``/``hi`` bound its branches in the global branch list (DFS order)."""

    __slots__ = ("code", "name", "kind", "parent", "domain", "level", "region", "lo", "hi", "teams",
                 "unit", "children")

    def __init__(self, code, name, kind, parent, level, domain="", region=""):
        self.code, self.name, self.kind, self.parent = code, name, kind, parent
        self.level, self.domain, self.region = level, domain, region
        self.lo = self.hi = 0
        self.teams = ()
        self.unit = None  # the township or department a branch belongs to
        self.children = 0

    @property
    def is_committee(self):
        return self.kind in ("党委", "党组", "党工委")


class Tree:
    """Builds the tree depth-first, so that every subtree's branches are contiguous."""

    def __init__(self, rng, scale):
        self.rng = rng
        self.scale = scale
        self.orgs = []  # every organization, parents before children
        self.branches = []  # every 党支部, in DFS order
        self.used_names = set()

    # names
    def place(self):
        return self.rng.choice(PLACE_A) + self.rng.choice(PLACE_B)

    def unique_place(self, suffix):
        for _ in range(1000):
            name = self.place() + suffix
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        return self.place() + suffix  # the pool is exhausted: allow a repeat name

    def add(self, parent, name, kind, level, width=None, code=None, domain=""):
        if code is None:
            parent.children += 1
            if parent.children >= 10 ** width:
                raise ValueError(f"{parent.name} 的下级组织超过 {10 ** width - 1} 个")
            code = f"{parent.code}{parent.children:0{width}d}"
        region = parent.region if parent is not None else (code + "0000")[:6]
        org = Org(code, name, kind, parent, level, domain, region)
        self.orgs.append(org)
        return org

    def close(self, org, lo):
        org.lo, org.hi = lo, len(self.branches)

    def spread(self, total, weights):
        """Split ``total`` branches over units by weight, with ±30% noise; each unit gets ≥ 1."""
        noisy = [w * self.rng.uniform(0.7, 1.3) for w in weights]
        s = sum(noisy)
        return [max(1, round(total * w / s)) for w in noisy]

    # levels
    def build(self):
        s = self.scale
        if s.root == "province":
            root = self.add(None, "内蒙古自治区党委", "党委", "province", code="15")
            root.region = "150000"
            for code, name in LEAGUES[:s.leagues]:
                self.league(root, code, name, self.rng.randint(*s.banners))
            total = len(self.branches)
            self.direct_units(root, "自治区", round(total * s.direct_share / (1 - s.direct_share)), "厅", first=51)
            self.close(root, 0)
        elif s.root == "league":
            self.league(None, "06", "鄂尔多斯市", self.rng.randint(*s.banners))
        else:
            self.banner(None, "150627", self.unique_place("旗"))
        return self.orgs[0]

    def league(self, parent, code, name, banners):
        if parent is None:
            org = self.add(None, name + "委", "党委", "league", code="15" + code)
        else:
            org = self.add(parent, name + "委", "党委", "league", code=parent.code + code)
        org.region = (org.code + "00")[:6]
        lo = len(self.branches)
        for _ in range(banners):
            org.children += 1
            self.banner(org, f"{org.code}{org.children:02d}", self.unique_place(self.rng.choice(BANNER_SUFFIXES)))
        total = len(self.branches) - lo
        self.direct_units(org, name, round(total * self.scale.direct_share / (1 - self.scale.direct_share)), "局",
                          first=71)
        self.close(org, lo)

    def direct_units(self, parent, prefix, budget, bureau, first):
        """The league's (province's) own departments, numbered after the banners."""
        if budget <= 0:
            return
        parent.children = max(parent.children, first - 1)
        sizes = self.spread(budget, [d[2] for d in DEPARTMENTS])
        for (name, kind, _w, mix), n in zip(DEPARTMENTS, sizes):
            unit = self.add(parent, prefix + name.format(局=bureau), kind, "department", width=2)
            self.unit_branches(unit, n, mix)

    def banner(self, parent, code, name):
        s = self.scale
        org = self.add(parent, name + "委", "党委", "banner", code=code)
        org.region = code[:6]
        lo = len(self.branches)
        # Banners of a league differ in size; a banner on its own is the scale's nominal size.
        noise = self.rng.uniform(0.8, 1.2) if parent is not None else 1.0
        budget = round(s.branches_per_banner * noise)
        townships = self.rng.randint(*s.townships)
        departments = DEPARTMENTS[:s.departments]
        town_budget = round(budget * 0.65)
        urban_share = 0.7 if name.endswith("区") else 0.25
        for n in self.spread(town_budget, [1] * townships):
            if self.rng.random() < urban_share:
                unit = self.add(org, self.unique_place("街道党工委"), "党工委", "township", width=3)
                mix = URBAN
            else:
                suffix = self.rng.choice(("镇党委", "苏木党委", "镇党委"))
                unit = self.add(org, self.unique_place(suffix), "党委", "township", width=3)
                mix = RURAL
            self.unit_branches(unit, n, mix)
        sizes = self.spread(budget - town_budget, [d[2] for d in departments])
        for (dname, kind, _w, mix), n in zip(departments, sizes):
            unit = self.add(org, name + dname.format(局="局"), kind, "department", width=3)
            self.unit_branches(unit, n, mix)
        self.close(org, lo)

    def unit_branches(self, unit, n, mix):
        """``n`` branches under a township or department, a few grouped under a 党总支."""
        rng = self.rng
        lo = len(self.branches)
        stem = unit.name.replace("党委", "").replace("党工委", "").replace("党组", "")
        unit.teams = tuple(f"{stem}第{CN_NUMBERS[i]}党员志愿服务队" for i in range(rng.randint(1, 3)))
        domains, weights = list(mix), list(mix.values())
        made = 0
        while made < n:
            domain = rng.choices(domains, weights)[0]
            if n - made >= 3 and domain in ("嘎查村", "社区", "机关") and rng.random() < 0.05:
                # A large village, community or office groups its branches under a 党总支.
                base = self.branch_name(domain, unit)
                general = self.add(unit, base + "党总支", "党总支", "general", width=3, domain=domain)
                glo = len(self.branches)
                for i in range(min(n - made, rng.randint(2, 4))):
                    self.branch(general, f"{base}第{CN_NUMBERS[i]}党支部", domain, unit, width=2)
                    made += 1
                self.close(general, glo)
            else:
                self.branch(unit, self.branch_name(domain, unit) + "党支部", domain, unit, width=3)
                made += 1
        self.close(unit, lo)

    def branch(self, parent, name, domain, unit, width):
        org = self.add(parent, name, "党支部", "branch", width=width, domain=domain)
        org.unit = unit
        org.lo, org.hi = len(self.branches), len(self.branches) + 1
        self.branches.append(org)

    def branch_name(self, domain, unit):
        rng, p = self.rng, self.place()
        stem = unit.name.replace("党委", "").replace("党工委", "").replace("党组", "")
        if domain == "嘎查村":
            return p + rng.choice(("嘎查", "村", "嘎查", "村"))
        if domain == "社区":
            return p + "社区"
        if domain == "机关":
            return stem + rng.choice(("机关", "办公室", "综合办", "业务科", "执法大队", "服务中心"))
        if domain == "事业单位":
            return p + rng.choice(("小学", "中学", "卫生院", "幼儿园", "文化站", "农牧业技术推广站", "医院"))
        if domain == "国有企业":
            return p + rng.choice(("能源有限责任公司", "城市投资有限公司", "供水公司", "热力公司", "公交公司"))
        if domain == "集体企业":
            return p + rng.choice(("农牧民专业合作社", "股份经济合作社", "集体牧场"))
        if domain == "非公有制企业":
            return p + rng.choice(("商贸有限公司", "乳业有限公司", "绒毛制品有限公司", "建筑工程有限公司", "物流有限公司"))
        if domain == "社会组织":
            return p + rng.choice(("商会", "协会", "志愿者协会", "养老服务中心", "律师事务所"))
        return stem + "离退休干部"


# ----- the writer -----------------------------------------------------------------


class Sheets:
    """One csv.writer per sheet of CONTRACT §2, header first; rows are written as they come."""

    def __init__(self, stack, folder):
        folder.mkdir(parents=True, exist_ok=True)
        self.writers, self.counts = {}, {}
        for sheet in declared_sheets():
            fh = stack.enter_context(open(folder / f"{sheet.name}.csv", "w", encoding="utf-8", newline=""))
            self.writers[sheet.name] = csv.writer(fh, lineterminator="\n")
            self.writers[sheet.name].writerow(sheet.column_names)
            self.counts[sheet.name] = 0

    def row(self, sheet, *values):
        self.writers[sheet].writerow(values)
        self.counts[sheet] += 1


def iso(d):
    return d.isoformat() if d else ""


# ----- people, posts, links, visits, problems -------------------------------------


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
        if rng.random() < 0.2:
            name = rng.choice(MONGOLIAN_NAMES)
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        id_card = ""
        if rng.random() >= 0.06:
            birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
            first17 = f"{org.region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            id_card = first17 + id_card_check_digit(first17)
        mobile = ""
        if rng.random() >= 0.08:
            mobile = "1" + rng.choice("3456789") + f"{rng.randint(0, 999_999_999):09d}"
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
            out = Sheets(stack, self.folder)
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
