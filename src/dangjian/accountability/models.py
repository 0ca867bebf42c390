"""失责必问: the cases (问责事项) a persisting violation becomes, their history, and the sweeps (CONTRACT §5).

A case belongs to one violation key of §3 (``rule|person|org``, :attr:`Violation.key`) and
climbs 提醒谈话 → 约谈 → 批评教育 until the violation is gone. Only the daily sweep
(:mod:`dangjian.accountability.ladder`) opens, climbs and closes cases, with bulk writes
in one transaction; the human steps (the talks, the rectification report, an appeal)
will be transitions of a workflow table over ``step`` and ``status`` (``workflow/``),
which is why both are plain choice fields with nothing computed from them.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class CaseStatus(models.TextChoices):
    OPEN = "open", "整改中"
    RECTIFIED = "rectified", "已整改"
    LAPSED = "lapsed", "失效"


class CaseStep(models.TextChoices):
    REMINDER_TALK = "reminder_talk", "提醒谈话"
    INTERVIEW = "interview", "约谈"
    CRITICISM = "criticism", "批评教育"


STEPS = [CaseStep.REMINDER_TALK, CaseStep.INTERVIEW, CaseStep.CRITICISM]  # the ladder, bottom up


class Sweep(models.Model):
    """One run of the ladder on a day, with the parameters it ran with and what it did."""

    on = models.DateField(_("问责日期"), db_index=True)
    visit_days = models.PositiveIntegerField(_("活动周期天数"))
    rectify_days = models.PositiveIntegerField(_("整改期限天数"))
    interview_days = models.PositiveIntegerField(_("约谈整改期限天数"))
    many = models.PositiveIntegerField(_("问题较多的事项数"))
    violations = models.PositiveIntegerField(_("违规条数"), default=0)
    opened = models.PositiveIntegerField(_("新立事项"), default=0)
    escalated = models.PositiveIntegerField(_("逾期升级"), default=0)
    moved_for_many = models.PositiveIntegerField(_("问题较多升级"), default=0)
    rectified = models.PositiveIntegerField(_("已整改"), default=0)
    lapsed = models.PositiveIntegerField(_("失效"), default=0)
    rerouted = models.PositiveIntegerField(_("责任人变更"), default=0)
    open_after = models.PositiveIntegerField(_("整改中事项"), default=0)
    created_at = models.DateTimeField(_("执行时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责巡检")
        verbose_name_plural = _("问责巡检")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.on.isoformat()}"


class Case(models.Model):
    """A violation that persisted: who it names, where it lies, who must act, how far it has climbed."""

    key = models.CharField(_("违规键"), max_length=400)  # Violation.key: rule|person|org
    rule = models.CharField(_("规则"), max_length=64)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="cases", verbose_name=_("责任人"))
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="cases", verbose_name=_("涉及组织"))
    # Where the case lies in the tree: its org, else the committee of the person's principal post
    # when it opened. Scopes (--org, the policy) read it through the path index.
    unit = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="unit_cases", verbose_name=_("所属单位"))
    handler = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="handled_cases", verbose_name=_("处理人"))
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    step = models.CharField(_("问责步骤"), max_length=16, choices=CaseStep.choices, default=CaseStep.REMINDER_TALK)
    opened_on = models.DateField(_("立项日期"))
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责事项")
        verbose_name_plural = _("问责事项")
        ordering = ["rule", "opened_on", "id"]
        indexes = [
            # The sweep loads the open cases at once; the report and the pages read by status within a unit.
            models.Index(fields=["status", "unit"], name="case_status_unit"),
            models.Index(fields=["person", "status"], name="case_person_status"),
            models.Index(fields=["handler", "status"], name="case_handler_status"),
        ]
        constraints = [
            # One open case per violation key: the sweep's set operations rest on it.
            models.UniqueConstraint(fields=["key"], condition=Q(status="open"), name="case_one_open_per_key"),
            models.CheckConstraint(condition=Q(status="open", closed_on__isnull=True)
                                   | (~Q(status="open") & Q(closed_on__isnull=False)), name="case_closed_on_iff_closed"),
        ]

    def __str__(self):
        who = self.person.name if self.person_id else (self.org.name if self.org_id else "")
        return f"{self.get_step_display()} {self.rule} {who}"


class CaseStepReached(models.Model):
    """The history: each step a case reached, and the day (closing adds none: ``closed_on`` says it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history", verbose_name=_("问责事项"))
    step = models.CharField(_("问责步骤"), max_length=16, choices=CaseStep.choices)
    on = models.DateField(_("日期"))
    sweep = models.ForeignKey(Sweep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("问责巡检"))  # null: moved by hand (a later workflow step)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责步骤记录")
        verbose_name_plural = _("问责步骤记录")
        ordering = ["case", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="case_step_once")]
