"""``dangjian import PATH [--dry-run]``: load a workbook or a CSV folder (CONTRACT §2)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.workbook import WorkbookError
from dangjian.imports.services import Importer

LABELS = {"new": "新增", "updated": "更新", "unchanged": "不变"}


class Command(BaseCommand):
    help = "导入工作簿（.xlsx）或 CSV 文件夹；全部成功才写入，否则一条也不写"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="工作簿 .xlsx 或包含 <工作表名>.csv 的文件夹")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计将要新增、更新、不变的记录，不写入")
        parser.add_argument("--errors-out", default=None, help="有错误时，把标出错误单元格的工作簿副本写到此 .xlsx 文件")

    def handle(self, *args, path, dry_run, errors_out, **options):
        if not Path(path).exists():
            raise CommandError(f"找不到文件或文件夹：{path}", returncode=2)
        try:
            importer = Importer(path, dry_run=dry_run)
            report = importer.run()
        except WorkbookError as exc:  # refused before it was read, or another import held the database too long
            raise CommandError(str(exc), returncode=1)
        for warning in report.warnings:
            self.stderr.write(f"警告：{warning}")
        if not report.ok:
            self.stderr.write(f"导入被拒绝：共 {len(report.errors)} 处错误，未写入任何数据。")
            self.stderr.write("工作表, 行, 列, 说明")
            for error in report.errors:
                self.stderr.write(str(error))
            if errors_out:
                from dangjian.imports.errorbook import write_error_workbook

                write_error_workbook(importer.source, report.errors, errors_out)
                self.stderr.write(f"已将标出错误的工作簿写到 {errors_out}")
            sys.exit(1)
        title = "试导入（未写入）" if dry_run else "导入完成"
        self.stdout.write(f"{title}：{Path(path).name}")
        for sheet, counts in report.counts.items():
            parts = "，".join(f"{LABELS[k]} {counts[k]}" for k in ("new", "updated", "unchanged"))
            self.stdout.write(f"  {sheet}：{parts}")
