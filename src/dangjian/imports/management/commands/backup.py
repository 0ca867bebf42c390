"""``dangjian backup OUT``: the database and the private media (photos, staged imports) in one zip file.

The archive (records/backup.py) is portable: one made from SQLite restores into
PostgreSQL and back. The file appears only when complete.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.records.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和媒体文件（活动照片、待导入文件）到一个 zip 文件，可用 dangjian restore 恢复"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("out", help="备份文件（.zip）；已存在则覆盖，写完整后才出现")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, out, database, **options):
        started = time.perf_counter()
        out = Path(out)
        if out.is_dir():
            raise CommandError(f"{out} 是一个文件夹：请给出备份文件名，如 {out / 'dangjian-backup.zip'}", returncode=2)
        try:
            manifest = backup(out, using=database)
        except BackupError as error:
            raise CommandError(str(error), returncode=1)
        except OSError as error:
            raise CommandError(f"无法写入备份文件 {out}：{error.strerror or error}", returncode=1)
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(f"已备份到 {out}：{len(manifest['tables'])} 张表 {rows} 行，媒体文件 {manifest['media']} 个，"
                          f"{out.stat().st_size / 1e6:.1f} MB，用时 {time.perf_counter() - started:.1f} 秒")
