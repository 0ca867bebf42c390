"""The livelihood-problem ledger (民生问题台账) and the volunteer teams that keep it."""

from django.db import models


class VolunteerTeam(models.Model):
    name = models.CharField("服务队", max_length=200, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer_teams",
        verbose_name="所属组织",
    )
    member_count = models.PositiveIntegerField("队员人数", default=0)

    class Meta:
        verbose_name = "党员志愿服务队"
        verbose_name_plural = "党员志愿服务队"

    def __str__(self):
        return self.name


class ProblemStatus(models.TextChoices):
    PENDING = "pending", "待办理"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"


class Problem(models.Model):
    code = models.CharField("问题编号", max_length=64, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="problems", verbose_name="组织"
    )
    category = models.CharField("问题类别", max_length=100)
    description = models.TextField("问题描述")
    found_on = models.DateField("发现日期")
    status = models.CharField("状态", max_length=16, choices=ProblemStatus.choices)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    team = models.ForeignKey(
        VolunteerTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems",
        verbose_name="服务队",
    )

    class Meta:
        verbose_name = "民生问题"
        verbose_name_plural = "民生问题"
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
