"""What both synthetic data sets share: the one list of problem categories, names, numbers, and the
writer that takes its sheets, columns and their order from the sheets the apps declare."""

import csv
from contextlib import ExitStack
from pathlib import Path

from dangjian.people.validators import id_card_check_digit
from dangjian.workbook import sheets as declared_sheets

# 54 categories of livelihood problems, the page's six first (DOMAIN §6, the demo's 民生问题台账).
CATEGORIES = (
    "环境卫生", "道路破损", "房屋漏雨", "墙皮脱落", "充电桩不足", "绿地不足", "路灯损坏", "排水不畅", "供暖不足",
    "饮水安全", "垃圾清运", "停车难", "楼道堆物", "电梯故障", "下水道堵塞", "围墙破损", "健身器材损坏", "邻里纠纷",
    "养老服务", "就医不便", "入学咨询", "就业帮扶", "低保申请", "医保办理", "危房改造", "草场纠纷", "牲畜防疫",
    "农机维修", "网络信号弱", "快递收发", "公交不便", "道路积雪", "沙尘防护", "水井维修", "灌溉设施", "农产品销售",
    "残疾人帮扶", "留守儿童关爱", "独居老人照料", "文化活动场地", "安全隐患", "消防通道堵塞", "噪音扰民", "宠物管理",
    "物业纠纷", "燃气安全", "小区门禁", "公厕不足", "雨污分流", "供电不稳", "乱搭乱建", "树木修剪", "防汛设施",
    "移风易俗",
)
assert len(CATEGORIES) == 54 and len(set(CATEGORIES)) == 54

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武"
            "戴孔汤云包奇")
GIVEN = "建国军华平明志强伟芳丽敏静秀英玉兰红霞桂凤海涛波磊斌鹏飞宇浩然晓东亮瑞峰晶雪梅琳婷燕娜杰刚勇毅辉林森文博宏俊荣"
MONGOLIAN_NAMES = ("巴特尔", "苏和", "朝鲁", "斯琴高娃", "乌日娜", "其其格", "额尔德尼", "阿拉坦仓", "布和", "巴雅尔",
                   "孟和", "达来", "吉日嘎拉", "那顺", "宝音", "图雅", "萨仁", "格日勒", "娜仁", "敖敦", "呼格吉勒",
                   "哈斯", "满都拉", "特木尔", "额尔敦", "苏日娜", "乌力吉", "阿木古楞", "包玉梅", "那日苏", "其木格",
                   "白音仓", "乌云", "塔娜", "德力格尔", "通拉嘎", "朝格图", "毕力格", "萨础拉", "高娃")

def person_name(rng):
    """A Mongolian name (one in five) or a Chinese surname with one or two given characters."""
    if rng.random() < 0.2:
        return rng.choice(MONGOLIAN_NAMES)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def id_card_number(rng, region, birth):
    """A 身份证号 with a valid GB 11643 check digit: region, birth date, sequence, check."""
    first17 = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_card_check_digit(first17)


def mobile_number(rng):
    return "1" + rng.choice("3456789") + f"{rng.randint(0, 999_999_999):09d}"


def iso(d):
    return d.isoformat() if d else ""


class Writer:
    """One csv.writer per declared sheet, its header first; rows are written as they come.

    A row gives its values in the sheet's declared column order.
    """

    def __init__(self, stack: ExitStack, folder):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.writers, self.counts, self.widths = {}, {}, {}
        for sheet in declared_sheets():
            fh = stack.enter_context(open(folder / f"{sheet.name}.csv", "w", encoding="utf-8", newline=""))
            self.writers[sheet.name] = csv.writer(fh, lineterminator="\n")
            self.writers[sheet.name].writerow(sheet.column_names)
            self.counts[sheet.name] = 0
            self.widths[sheet.name] = len(sheet.columns)

    def row(self, sheet, *values):
        assert len(values) == self.widths[sheet], (sheet, values)
        self.writers[sheet].writerow(values)
        self.counts[sheet] += 1
