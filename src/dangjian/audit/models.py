"""The audit trail: named domain actions with who, when, which request and the data before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象名称"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("所属组织"),
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    request_id = models.CharField(_("请求"), max_length=64, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class AuditObject(models.Model):
    """A further record one event concerns: an import's event and each organization it created or changed."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="objects_touched")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="auditobject_object")]


class DataVersion(models.Model):
    """One counter raised by every change: cached whole computations (a check, the dashboard) key on it."""

    value = models.BigIntegerField(default=0)
