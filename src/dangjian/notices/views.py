from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from .services import mark_read


@require_POST
def read_all(request):
    """全部标为已读: the user's own unread notices, nobody else's."""
    n = mark_read(request.user)
    if n:
        messages.success(request, gettext("已将 %(n)s 条通知标为已读") % {"n": n})
    return redirect(reverse("web:todo"))
