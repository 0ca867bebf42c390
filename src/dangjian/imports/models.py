import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.records.querysets import ScopedManager


class ImportRun(models.Model):
    """One workbook uploaded in the browser: its dry run, then (once confirmed) its import.

    Both steps run as background tasks (django-tasks), so a province's workbook does not
    hold a web request for a minute; the review page follows the run until it is done.
    The uploaded file is kept under MEDIA_ROOT/imports/<token>/, never served directly,
    and only its uploader can see the run.
    """

    class State(models.TextChoices):
        CHECKING = "checking", "正在试导入"
        CHECKED = "checked", "待确认"
        REJECTED = "rejected", "有错误，未写入"
        IMPORTING = "importing", "正在导入"
        DONE = "done", "已导入"
        FAILED = "failed", "处理失败"

    PENDING = (State.CHECKING, State.IMPORTING)
    SHOWN_ERRORS = 1000

    token = models.UUIDField(_("令牌"), default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_runs",
                                    verbose_name=_("上传人"))
    file_name = models.CharField(_("文件名"), max_length=255)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.CHECKING)
    report = models.JSONField(_("结果"), null=True, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    failure = models.TextField(_("失败原因"), blank=True)
    files_kept = models.BooleanField(_("文件仍在"), default=True)  # False once the staged files are deleted
    # The process that took the run (host:pid:start), so that a run whose worker died is seen to have.
    worker = models.CharField(_("处理进程"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("网页导入")
        verbose_name_plural = _("网页导入")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"], name="importrun_user_created")]

    def __str__(self):
        return f"{self.file_name}（{self.get_state_display()}）"

    @property
    def folder(self):
        return Path(settings.MEDIA_ROOT) / "imports" / str(self.token)

    @property
    def workbook(self):
        return self.folder / "workbook.xlsx"

    @property
    def error_book(self):
        """The rejected workbook with its errors marked, built by the job (kept a day)."""
        return self.folder / "errors.xlsx"

    @property
    def pending(self):
        return self.state in self.PENDING

    @property
    def changed(self):
        counts = (self.report or {}).get("counts", {})
        return sum(c.get("new", 0) + c.get("updated", 0) for c in counts.values())
