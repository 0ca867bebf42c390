"""Contact links (联系点 / 联系支部) and the activities held at them (调研指导、专题党课 …)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager
from dangjian.records.tenure import Tenure


class LinkKind(models.TextChoices):
    CONTACT_POINT = "contact_point", "联系点"
    BRANCH_LINK = "branch_link", "联系支部"


class ContactLink(Tenure):
    """「每人建立1个党建工作联系点，根据分管工作实际至少联系1个基层党支部」."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="contact_links", verbose_name=_("人员")
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="contact_links", verbose_name=_("组织")
    )
    kind = models.CharField(_("联系类型"), max_length=16, choices=LinkKind.choices)


    class Meta:
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        indexes = [
            models.Index(fields=["person", "organization"], name="link_person_org"),
            models.Index(fields=["organization"], name="link_org"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "organization", "kind", "start_date"], name="link_unique_dated"),
            models.UniqueConstraint(
                fields=["person", "organization", "kind"], condition=Q(start_date__isnull=True), name="link_unique_undated"
            ),
        ]

    def __str__(self):
        return f"{self.person.name} → {self.organization.name}（{self.get_kind_display()}）"


class ActivityKind(models.TextChoices):
    RESEARCH = "research", "调研指导"
    LECTURE = "lecture", "专题党课"
    INSPECTION = "inspection", "督导检查"
    PAIRING = "pairing", "结对帮扶"
    OTHER = "other", "其他"


class Activity(models.Model):
    """「定期深入联系点检查指导党支部建设工作」: a visit, lecture or inspection at an organization.

    Recorded against the branch, so that the branch's own work stays its own
    (「帮忙不包办、到位不越位」).
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="activities", verbose_name=_("人员")
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="activities", verbose_name=_("组织")
    )
    date = models.DateField(_("活动日期"))
    kind = models.CharField(_("活动类型"), max_length=16, choices=ActivityKind.choices)
    content = models.TextField(_("内容"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        indexes = [
            models.Index(fields=["person", "organization", "date"], name="activity_person_org_date"),
            models.Index(fields=["organization", "date"], name="activity_org_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.person.name} {self.get_kind_display()}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("活动"))
    image = models.FileField(_("照片"), upload_to="activities/%Y/%m/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
