from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

register_actions({"workbook imported": pgettext_lazy("audit action", "导入工作簿")})
register_fields({"file": _("文件"), "counts": _("写入")})
