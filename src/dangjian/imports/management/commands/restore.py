"""``dangjian restore IN``: a backup made by ``dangjian backup`` loaded into an empty database.

Creates the schema when the database has none; refuses a database or media folder that
already holds data. All or nothing: on any error nothing is written.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from dangjian.records.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 dangjian backup 生成的备份文件恢复到一个空数据库（全部成功或全部不写入）"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="IN", help="备份文件（.zip）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, source, database, **options):
        started = time.perf_counter()
        try:
            manifest = restore(source, using=database)
        except BackupError as error:
            raise CommandError(str(error), returncode=1)
        except OSError as error:
            raise CommandError(f"无法读取或写入：{error.strerror or error}（{error.filename or source}）", returncode=1)
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(f"已从 {source} 恢复：{len(manifest['tables'])} 张表 {rows} 行，"
                          f"媒体文件 {manifest['media']} 个（备份于 {manifest['created_at']}），"
                          f"用时 {time.perf_counter() - started:.1f} 秒")
