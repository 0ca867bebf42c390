"""``dangjian token USERNAME [--name NAME] [--days N]``: issue an API token for scripts;
``dangjian token --list [USERNAME]`` lists tokens (never their values); ``dangjian token --revoke ID``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.accounts.models import ApiToken
from dangjian.accounts.services import issue_token, revoke_token


class Command(BaseCommand):
    help = ("为用户签发 API 令牌（脚本以 Authorization: Bearer <令牌> 调用 /api/）；"
            "--list 列出令牌，--revoke 编号 吊销令牌")

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--name", default="", help="令牌用途说明")
        parser.add_argument("--days", type=int, default=None, help="有效天数（默认 DANGJIAN_TOKEN_DAYS，90 天）")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--list", action="store_true", dest="listing", help="列出令牌（编号、用户、用途、签发、失效、状态）")
        what.add_argument("--revoke", type=int, metavar="编号", help="吊销该编号的令牌")

    def handle(self, *args, username, name, days, listing, revoke, **options):
        if listing:
            return self.list_tokens(username)
        if revoke is not None:
            token = ApiToken.objects.select_related("user").filter(pk=revoke).first()
            if token is None:
                raise CommandError(f"令牌不存在：编号 {revoke}", returncode=1)
            revoke_token(token)
            self.stdout.write(f"已吊销令牌 {token.pk}（{token.user.username}）")
            return
        if not username:
            raise CommandError("请给出用户名，或使用 --list / --revoke", returncode=2)
        if days is not None and not 1 <= days <= 3650:
            raise CommandError("有效天数应在 1 到 3650 之间", returncode=2)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}", returncode=1)
        token = issue_token(user, name, days=days)
        self.stdout.write(token.raw)  # shown once: only its digest is kept
        self.stderr.write(f"令牌编号 {token.pk}，有效至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}")

    def list_tokens(self, username):
        tokens = ApiToken.objects.select_related("user").order_by("pk")
        if username:
            tokens = tokens.filter(user__username=username)
        self.stdout.write("编号\t用户\t用途\t签发时间\t失效时间\t状态")
        for t in tokens:
            self.stdout.write("\t".join([
                str(t.pk), t.user.username, t.name or "—",
                f"{timezone.localtime(t.created_at):%Y-%m-%d %H:%M}", f"{timezone.localtime(t.expires_at):%Y-%m-%d %H:%M}",
                str(t.status),
            ]))
