"""Accounts: roles granted at an organization, holding for its whole subtree."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "组织部管理员"
    LEADER = "leader", "书记/班子成员"
    BRANCH_SECRETARY = "branch_secretary", "支部书记"
    INSPECTOR = "inspector", "督查"
    # 三员分立: the audit administrator reads the audit and the login history, and changes nothing.
    AUDITOR = "auditor", "审计管理员"


class Profile(models.Model):
    """Ties a login to the person it is, so that "my contact links" has a meaning."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts",
        verbose_name=_("对应人员"),
    )
    # An account an administrator created (or whose password they reset) changes its
    # password at its first login: only its holder then knows it (等保 2.0 身份鉴别).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("账户资料")
        verbose_name_plural = _("账户资料")


class RoleGrant(models.Model):
    """「书记抓书记、一级抓一级」: a role at an organization covers everything below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="grants", verbose_name=_("授权组织")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="grant_unique")]

    def __str__(self):
        return f"{self.user} {self.get_role_display()} @ {self.organization.name}"


class ApiToken(models.Model):
    """A bearer token for scripts calling the REST API (the browser uses its session).

    Only the token's SHA-256 digest is stored, as for a password: a copy of the database
    (a backup, a report server) holds nothing a script could call the API with. The token
    itself is shown once, when it is issued.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    name = models.CharField(_("用途"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    @staticmethod
    def digest_of(raw):
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name="", days=None):
        """A new token valid for ``days`` (``DANGJIAN_TOKEN_DAYS``); its ``raw`` value exists only on the returned object."""
        raw = secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=days or settings.DANGJIAN_TOKEN_DAYS)
        token = cls.objects.create(user=user, digest=cls.digest_of(raw), name=name, expires_at=expires_at)
        token.raw = raw
        return token

    @classmethod
    def user_for(cls, raw):
        """The token's user while it is neither expired nor revoked and the account active."""
        found = cls.objects.select_related("user").filter(
            digest=cls.digest_of(raw), user__is_active=True, revoked_at__isnull=True, expires_at__gt=timezone.now(),
        ).first()
        return found.user if found else None

    @property
    def status(self):
        if self.revoked_at:
            return _("已吊销")
        return _("已过期") if self.expires_at <= timezone.now() else _("有效")
