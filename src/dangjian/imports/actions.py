from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields, register_summary

from .models import ImportRun

register_actions({
    "workbook imported": pgettext_lazy("audit action", "导入工作簿"),
    "import run checked": pgettext_lazy("audit action", "试导入通过"),
    "import run confirmed": pgettext_lazy("audit action", "确认导入"),
    "import run completed": pgettext_lazy("audit action", "导入完成"),
    "import run rejected": pgettext_lazy("audit action", "导入未通过"),
    "import run failed": pgettext_lazy("audit action", "导入处理失败"),
})
register_fields({"file": _("文件"), "counts": _("写入"), "state": _("状态"), "errors": _("错误数")},
                values={"state": dict(ImportRun.State.choices)})

# On the page of an organization or person an import wrote: the file it came from, not the whole workbook's counts.
register_summary("workbook imported", ["file"])
