"""``dangjian template OUT.xlsx``: write the empty import workbook (CONTRACT §2) with 填写说明."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.imports.template import write_template


class Command(BaseCommand):
    help = "写出空白的导入模板工作簿（.xlsx）：每类数据一个工作表，含下拉选项、日期格式和填写说明"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("out", help="要写出的模板文件，如 导入模板.xlsx")

    def handle(self, *args, out, **options):
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"模板文件名应以 .xlsx 结尾：{out}", returncode=2)
        if path.is_dir():
            raise CommandError(f"{out} 是文件夹，请给出文件名", returncode=2)
        if not path.parent.is_dir():
            raise CommandError(f"找不到文件夹：{path.parent}", returncode=2)
        try:
            write_template(path)
        except OSError as exc:
            raise CommandError(f"无法写出 {out}：{exc}", returncode=1)
        self.stdout.write(f"已写出导入模板：{out}")
