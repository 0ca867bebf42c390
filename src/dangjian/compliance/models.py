"""Findings and comments written by supervisors (督查) and administrators.

Supervisors read across their region and record findings; they never edit branch
records (DOMAIN §4). A finding is followed up as a record of its own: the branch side
answers it (回复), the supervisor closes it (销号) or, not satisfied, sends it back.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class FindingStatus(models.TextChoices):
    OPEN = "open", "待回复"
    REPLIED = "replied", "已回复"
    CLOSED = "closed", "已销号"


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
    # Changed by the steps of compliance.workflow.FINDINGS only.
    status = models.CharField(_("状态"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN,
                              db_index=True)
    replied_at = models.DateTimeField(_("最近回复"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查意见")
        verbose_name_plural = _("督查意见")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.organization.name}：{self.text[:30]}"


class FindingReply(models.Model):
    """The branch's (or the department's) answer to a finding: several may follow one another."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="replies", verbose_name=_("督查意见"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("回复人"))
    text = models.TextField(_("回复内容"))
    created_at = models.DateTimeField(_("回复时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("督查意见回复")
        verbose_name_plural = _("督查意见回复")
        ordering = ["created_at", "id"]
