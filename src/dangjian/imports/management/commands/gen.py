"""``dangjian gen --scale tiny|banner|league|province --seed S [--as-of DATE] OUT``: synthetic test data.

Writes a folder of ``<sheet>.csv`` files in the format of CONTRACT §2 that
``dangjian import OUT`` loads as it is. It touches no database.
"""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dangjian.imports.synthetic import SCALES, generate


def iso_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}")


class Command(BaseCommand):
    help = "生成模拟数据（CSV 文件夹，可直接用 dangjian import 导入），用于测试和性能基准"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件夹（不存在则创建；其中同名 CSV 文件会被覆盖）")
        parser.add_argument("--scale", choices=list(SCALES), default="banner",
                            help="规模：tiny 约 30 个党支部，banner 约 500，league 约 3000，province 约 75000")
        parser.add_argument("--seed", type=int, default=1, help="随机种子；相同种子和日期生成完全相同的文件")
        parser.add_argument("--as-of", type=iso_date, default=None,
                            help="数据所相对的日期 YYYY-MM-DD（默认今天）：任职、联系、活动、定级都围绕该日期生成")

    def handle(self, *args, out, scale, seed, as_of, **options):
        started = time.perf_counter()
        try:
            summary = generate(out, scale=scale, seed=seed, as_of=as_of)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc}", returncode=1)
        seconds = time.perf_counter() - started
        self.stdout.write(f"已生成 {scale} 规模模拟数据到 {out}（种子 {seed}，用时 {seconds:.1f} 秒）")
        self.stdout.write(f"  顶层组织 {summary['root']}，党支部 {summary['branches']} 个，"
                          f"责任主体 {summary['leaders']} 人")
        for sheet, rows in summary["counts"].items():
            self.stdout.write(f"  {sheet}：{rows} 行")
