"""``dangjian adduser USERNAME [--name 说明] [--role ROLE --org CODE]``: an account an
administrator creates. Its initial password (asked twice, or one line on standard input)
must meet the password policy, and its holder must change it at the first login."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.models import Role
from dangjian.accounts.services import create_account
from dangjian.orgs.models import Organization


class Command(BaseCommand):
    help = "创建账户（初始密码须符合密码策略，首次登录须修改）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="姓名或说明")
        parser.add_argument("--role", choices=Role.values, help="授予的角色")
        parser.add_argument("--org", help="授权组织的组织编码（与 --role 一起）")

    def handle(self, *args, username, name, role, org, **options):
        if bool(role) != bool(org):
            raise CommandError("--role 与 --org 须一起给出", returncode=2)
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"用户已存在：{username}", returncode=1)
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"组织编码不存在：{org}", returncode=1)
        if sys.stdin.isatty():
            password = getpass.getpass("初始密码：")
            if password != getpass.getpass("再输入一次："):
                raise CommandError("两次输入的密码不一致", returncode=1)
        else:
            password = sys.stdin.readline().rstrip("\n")
        try:
            create_account(username, password, first_name=name, role=role, organization=organization)
        except ValidationError as e:
            raise CommandError("；".join(e.messages), returncode=1) from None
        self.stdout.write(f"已创建账户 {username}；首次登录时须修改密码。")
