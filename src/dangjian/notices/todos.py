"""Unread notices head the user's to-do list."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.ui.todos import Source, Todo, register

from .models import Notice

SHOWN = 50


def _unread(user, person, today):
    if person is None:
        return []
    notices = Notice.objects.visible_to(user).filter(read_at__isnull=True).order_by("-created_at", "-id")[:SHOWN]
    return [Todo(title=n.message, url=n.href, detail=timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"), key=n.pk)
            for n in notices]


register(Source("notices", _("新通知"), _unread, order=10, hint=_("与您有关的新情况。看过后可标为已读。"),
                sort=False, action=("notices:read_all", _("全部标为已读"))))
