"""Findings and comments written by supervisors (督查) and administrators.

Supervisors read across their region and record findings; they never edit branch
records (DOMAIN §4).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class Finding(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="findings", verbose_name=_("组织")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="findings",
        verbose_name=_("涉及人员"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("记录人"))
    text = models.TextField(_("督查意见"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查意见")
        verbose_name_plural = _("督查意见")
        ordering = ["-created_at"]
