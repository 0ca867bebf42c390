"""The organization tree of a synthetic province, league or banner: its shape per scale, names, domains.

Built depth-first, so that every subtree's branches are contiguous in one list (contact
links are then chosen inside a committee's subtree by index range).
"""

from dataclasses import dataclass

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
UNIT_CAPACITY = 999  # a township's or department's branches (and 党总支) are numbered with three digits


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

    def spread(self, total, weights, cap=None):
        """Split ``total`` branches over units by weight, with ±30% noise; each unit gets ≥ 1 and ≤ ``cap``.

        A unit numbers its branches with three digits, so it holds at most 999: what a heavy
        unit's share has beyond that goes to the others by weight (the province's 直属机关工委
        overflowed for most seeds). The cap draws nothing from ``rng``: a seed whose units all fit
        gets the same tree as before the cap.
        """
        cap = UNIT_CAPACITY if cap is None else cap
        noisy = [w * self.rng.uniform(0.7, 1.3) for w in weights]
        s = sum(noisy)
        sizes = [max(1, round(total * w / s)) for w in noisy]
        for _ in range(len(sizes)):  # each round fills a unit or places the whole excess
            excess = sum(n - cap for n in sizes if n > cap)
            if not excess:
                break
            sizes = [min(n, cap) for n in sizes]
            room = [(i, noisy[i]) for i, n in enumerate(sizes) if n < cap]
            weight = sum(w for _, w in room)
            for i, w in room:
                sizes[i] += round(excess * w / weight)
        return [min(n, cap) for n in sizes]  # every unit full: the rest is dropped

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
