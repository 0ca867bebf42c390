"""``dangjian token USERNAME [--name NAME]``: issue an API token for scripts."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.services import issue_token


class Command(BaseCommand):
    help = "为用户签发 API 令牌（脚本以 Authorization: Bearer <令牌> 调用 /api/）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="令牌用途说明")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}", returncode=1)
        token = issue_token(user, name)
        self.stdout.write(token.raw)  # shown once: only its digest is kept
