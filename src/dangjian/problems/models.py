"""The livelihood-problem ledger (民生问题台账) and the volunteer teams that keep it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class VolunteerTeam(models.Model):
    name = models.CharField(_("服务队"), max_length=200, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer_teams",
        verbose_name=_("所属组织"),
    )
    member_count = models.PositiveIntegerField(_("队员人数"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("党员志愿服务队")
        verbose_name_plural = _("党员志愿服务队")

    def __str__(self):
        return self.name


class ProblemStatus(models.TextChoices):
    PENDING = "pending", "待办理"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"


class Problem(models.Model):
    code = models.CharField(_("问题编号"), max_length=64, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="problems", verbose_name=_("组织")
    )
    category = models.CharField(_("问题类别"), max_length=100)
    description = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ProblemStatus.choices)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    completion_note = models.TextField(_("办结说明"), blank=True)  # blank for problems imported as done
    team = models.ForeignKey(
        VolunteerTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems",
        verbose_name=_("服务队"),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("民生问题")
        verbose_name_plural = _("民生问题")
        indexes = [
            models.Index(fields=["organization", "status"], name="problem_org_status"),
            models.Index(fields=["category"], name="problem_category"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="done", completed_on__isnull=False)
                           | (~models.Q(status="done") & models.Q(completed_on__isnull=True))),
                name="problem_completed_iff_done",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.category}"
