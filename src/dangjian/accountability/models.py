"""失责必问: the cases (问责事项) a persisting violation becomes, their history, and the sweeps (CONTRACT §5).

A case belongs to one violation key of §3 (``rule|person|org``, :attr:`Violation.key`) and
climbs 提醒谈话 → 约谈 → 批评教育 until the violation is gone. Only the daily sweep
(:mod:`dangjian.accountability.ladder`) opens, climbs and closes cases, with bulk writes
in one transaction; the human steps (the talks, the rectification report, an appeal) are
transitions of accountability/workflow.py over ``progress``, the paperwork, a field the sweep
never reads; ``status`` and ``step`` stay plain choice fields with nothing computed from them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, gettext_noop

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


class CaseProgress(models.TextChoices):
    """The paperwork of a case (accountability/workflow.py): a dimension of its own beside §5's status and step.

    The sweep never reads or writes it: it decides rectified and lapsed from the data alone.
    """

    PENDING = "pending", gettext_noop("待办理")
    TALK_HELD = "talk_held", gettext_noop("已谈话")
    EVIDENCE_SENT = "evidence_sent", gettext_noop("整改材料待审核")
    EVIDENCE_RETURNED = "evidence_returned", gettext_noop("整改材料已退回")
    EVIDENCE_ACCEPTED = "evidence_accepted", gettext_noop("整改材料已认可")
    CRITICIZED = "criticized", gettext_noop("已批评教育")
    APPEALED = "appealed", gettext_noop("申诉待答复")
    APPEAL_ANSWERED = "appeal_answered", gettext_noop("申诉已答复")
    DISMISSED = "dismissed", gettext_noop("不予问责")


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
    # person and handler: no index of their own, (person, status) and (handler, status) lead with them.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, db_index=False,
                               related_name="cases", verbose_name=_("责任人"))
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="cases", verbose_name=_("涉及组织"))
    # Where the case lies in the tree: its org, else the committee of the person's principal post
    # when it opened. Scopes (--org, the policy) read it through the path index.
    unit = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="unit_cases", verbose_name=_("所属单位"))
    handler = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
                                related_name="handled_cases", verbose_name=_("处理人"))
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    step = models.CharField(_("问责步骤"), max_length=16, choices=CaseStep.choices, default=CaseStep.REMINDER_TALK)
    opened_on = models.DateField(_("立项日期"))
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # The paperwork's state, moved by the steps' table only; a database default, because the
    # sweep inserts its new cases with plain SQL that names §5's columns only.
    progress = models.CharField(_("办理进度"), max_length=24, choices=CaseProgress.choices,
                                default=CaseProgress.PENDING, db_default=CaseProgress.PENDING)
    progress_at = models.DateTimeField(_("最近办理时间"), null=True, blank=True)  # set by every step

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

    # No index of its own: case_step_once (case, step) leads with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history", db_index=False,
                             verbose_name=_("问责事项"))
    step = models.CharField(_("问责步骤"), max_length=16, choices=CaseStep.choices)
    on = models.DateField(_("日期"))
    # null: moved by hand (a later workflow step). No index: nothing looks a sweep's history up (a
    # history row names its sweep; a sweep is never deleted), and a sweep past a deadline day writes
    # thousands of rows, each one more index entry.
    sweep = models.ForeignKey(Sweep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              db_index=False, verbose_name=_("问责巡检"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责步骤记录")
        verbose_name_plural = _("问责步骤记录")
        ordering = ["case", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="case_step_once")]


class RecordKind(models.TextChoices):
    TALK = "talk", gettext_noop("谈话记录")
    EVIDENCE = "evidence", gettext_noop("整改情况报告")
    REVIEW = "review", gettext_noop("整改材料审核")
    CRITICISM = "criticism", gettext_noop("批评教育决定")
    APPEAL = "appeal", gettext_noop("申诉")
    ANSWER = "answer", gettext_noop("申诉答复")
    ESCALATION = "escalation", gettext_noop("提级")
    DISMISSAL = "dismissal", gettext_noop("不予问责")


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", gettext_noop("认可")
    RETURNED = "returned", gettext_noop("退回")


class CaseRecord(models.Model):
    """One piece of a case's paperwork: a talk, a rectification report, a review, a decision, an appeal.

    ``content`` is what the kind is about: what was said (a talk), the report (evidence),
    the reason (a review sent back, a dismissal), the decision's text (批评教育), the appeal,
    the answer, the complaints a move up rests on.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records", verbose_name=_("问责事项"))
    kind = models.CharField(_("类别"), max_length=16, choices=RecordKind.choices)
    step = models.CharField(_("问责步骤"), max_length=16, choices=CaseStep.choices)  # the case's step then
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("记录人"))
    on = models.DateField(_("日期"))  # the talk's or the decision's day; else the day it was recorded
    recorded_on = models.DateField(_("记录日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    attendees = models.CharField(_("参加人员"), max_length=500, blank=True)
    content = models.TextField(_("内容"), blank=True)
    account = models.TextField(_("本人说明或申辩"), blank=True)
    promise = models.TextField(_("整改承诺"), blank=True)
    decided_by = models.CharField(_("决定人"), max_length=200, blank=True)
    outcome = models.CharField(_("审核结果"), max_length=16, choices=ReviewOutcome.choices, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责办理记录")
        verbose_name_plural = _("问责办理记录")
        ordering = ["case", "created_at", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="case_record_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on.isoformat()}"


class CaseAttachment(models.Model):
    """A file of a record (a talk's minutes, a photo of the rectification), stored privately under MEDIA_ROOT."""

    record = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("办理记录"))
    file = models.FileField(_("附件"), upload_to="cases/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=100)  # the name the user gave it, for the page only
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责附件")
        verbose_name_plural = _("问责附件")
        ordering = ["record", "id"]

    def __str__(self):
        return self.name


class CaseFinding(models.Model):
    """A supervisor's finding (compliance's 督查意见) recorded about this case, from its page.

    The link lives here, not on the finding: compliance sits below accountability (.importlinter)
    and knows no case. The finding itself stays compliance's record (its replies, its 销号);
    whoever sees the case sees the link (accountability/policy.py), and through it the finding's
    text and status on the case's page.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="finding_links", verbose_name=_("问责事项"))
    # One case a finding: a finding recorded from a case's page is about that case.
    finding = models.OneToOneField("compliance.Finding", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("督查意见"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("问责事项督查意见")
        verbose_name_plural = _("问责事项督查意见")
        ordering = ["case", "id"]

    def __str__(self):
        return f"{self.case_id} · {self.finding_id}"
