"""``dangjian rotate-data-key``: every 身份证号 and 手机号 re-encrypted, and its digest recomputed, under a new key.

The old key is the one configured (DANGJIAN_DATA_KEY, or outside production the instance's key
file); the new one is ``--new-key HEX``, or the environment's DANGJIAN_NEW_DATA_KEY, or
``--generate``. All rows change in one transaction, or none. Then the server must be given the
new key (DANGJIAN_DATA_KEY) and restarted; with a key file, the file is replaced here.
"""

import os
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dangjian.audit.context import log_context
from dangjian.audit.services import record
from dangjian.records import sealed


class Command(BaseCommand):
    help = ("更换数据密钥：用新密钥重新加密全部身份证号、手机号并重算摘要（一个事务内完成）。"
            "旧密钥为当前配置的 DANGJIAN_DATA_KEY（或本实例的密钥文件）；新密钥由 --new-key、"
            "环境变量 DANGJIAN_NEW_DATA_KEY 或 --generate 给出")

    def add_arguments(self, parser):
        parser.add_argument("--new-key", default="", help="新密钥：32 位十六进制数字")
        parser.add_argument("--generate", action="store_true", help="生成新密钥并输出（请妥善保存）")

    def handle(self, *args, new_key, generate, **options):
        try:
            old_text = sealed.configured_key_text()
            old = sealed.sealer(old_text)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from None
        new_text = (new_key or os.environ.get("DANGJIAN_NEW_DATA_KEY", "")).strip()
        if generate:
            if new_text:
                raise CommandError("--generate 与 --new-key（或 DANGJIAN_NEW_DATA_KEY）只能选一个", returncode=2)
            new_text = secrets.token_hex(16)
        if not new_text:
            raise CommandError("请用 --new-key、环境变量 DANGJIAN_NEW_DATA_KEY 或 --generate 给出新密钥", returncode=2)
        try:
            new = sealed.Sealer(new_text)
        except ImproperlyConfigured:
            raise CommandError(f"新密钥应为 32 位十六进制数字（SM4 的 128 位密钥），实际为 {len(new_text)} 个字符",
                               returncode=2) from None
        if new.fingerprint == old.fingerprint:
            raise CommandError("新密钥与当前密钥相同", returncode=2)
        try:
            with log_context(), transaction.atomic():
                count = sealed.reseal(old, new)
                record("data key rotated", label="rotate-data-key",
                       after={"old_key": old.fingerprint, "new_key": new.fingerprint, "people_count": count})
        except sealed.SealBroken as exc:
            raise CommandError(f"未更换：{exc}", returncode=1) from None
        key_file = None if settings.DANGJIAN_DATA_KEY else settings.DANGJIAN_DATA_KEY_FILE
        if key_file:
            sealed.write_key_file(key_file, new_text)
        self.stdout.write(f"已用新密钥（指纹 {new.fingerprint}）重新加密 {count} 条记录。")
        if generate:
            self.stdout.write(f"新密钥：{new_text}")
        if key_file:
            self.stdout.write(f"密钥文件已更新：{key_file}")
        else:
            self.stdout.write("请立即把 DANGJIAN_DATA_KEY 改为新密钥并重启服务（旧密钥已不能解密数据）。")
