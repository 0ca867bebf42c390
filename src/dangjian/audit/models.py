"""The audit trail: named domain actions with who, when, which request and the data before and after."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedQuerySet


def retention_days():
    """How long the audit and the login history are kept untouchable (等保: at least six months)."""
    return max(int(getattr(settings, "DANGJIAN_AUDIT_RETENTION_DAYS", 180)), 180)


def retention_limit():
    """Entries recorded after this moment may be neither changed nor deleted, by anyone."""
    from datetime import timedelta

    return timezone.now() - timedelta(days=retention_days())


class AuditImmutable(Exception):
    """An attempt to change an audit entry, or to delete one younger than the retention period."""


class AuditQuerySet(ScopedQuerySet):
    """The audit can be appended to and read; never updated; deleted only past the retention period."""

    def update(self, **kwargs):
        raise AuditImmutable("审计记录不可修改")

    def delete(self):
        if self.filter(at__gt=retention_limit()).exists():
            raise AuditImmutable(f"审计记录保存期（{retention_days()} 天）内不可删除")
        return super().delete()

    delete.queryset_only = True


class AuditObjectQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("审计记录不可修改")

    def delete(self):
        if self.filter(event__at__gt=retention_limit()).exists():
            raise AuditImmutable(f"审计记录保存期（{retention_days()} 天）内不可删除")
        return super().delete()

    delete.queryset_only = True


class AuditEvent(models.Model):
    # A default, not auto_now_add: the time is sealed into the digest before the row is saved.
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    # PROTECT, not SET_NULL: nulling the column would rewrite a sealed entry. Accounts are
    # deactivated, never deleted, while the audit names them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("操作人")
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象名称"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("所属组织"),
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    request_id = models.CharField(_("请求"), max_length=64, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    # The hash chain (audit.chain): SHA-256 of the previous entry's digest and this entry's
    # content, its ties included; `dangjian audit verify` recomputes it.
    digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditImmutable("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.at is None or self.at > retention_limit():
            raise AuditImmutable(f"审计记录保存期（{retention_days()} 天）内不可删除")
        return super().delete(*args, **kwargs)


class AuditObject(models.Model):
    """A further record one event concerns: an import's event and each organization it created or changed."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="objects_touched")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # Indexed where set only: most ties (a sweep's thousands of cases) name no organization.
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", db_index=False)

    objects = AuditObjectQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="auditobject_object"),
                   models.Index(fields=["organization"], condition=models.Q(organization__isnull=False),
                                name="auditobject_org")]


class AuditChain(models.Model):
    """The chain's head: its length and last digest (so deleting the newest entries shows too).

    Every append locks this one row first, so concurrent writers queue and never fork the chain.
    """

    length = models.BigIntegerField(default=0)  # entries in the chain (after the purged ones)
    last_id = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)
    # Where the kept chain starts: the digest of the last entry purged past the retention period.
    base_digest = models.CharField(max_length=64, blank=True)


class DataVersion(models.Model):
    """One counter raised by every change: cached whole computations (a check, the dashboard) key on it."""

    value = models.BigIntegerField(default=0)
