"""What every logged-in request obeys beside the idle timeout (等保 2.0 身份鉴别、访问控制).

- A session lasts at most ``DANGJIAN_SESSION_MAX_SECONDS`` from its login, however busy.
- An account that must change its password (``Profile.must_change_password``, set when an
  administrator created it) reaches only the change page and the logout until it does.
- A logged-in page holds personal data: ``Cache-Control: no-store``, so no browser or proxy
  keeps a copy (unless the view chose its own caching, as the photos do).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .models import Profile

STARTED = "dangjian_login_at"
MUST_CHANGE = "dangjian_must_change_password"


@receiver(user_logged_in)
def _note_the_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[STARTED] = int(time.time())
    if Profile.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE] = True


class SessionPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.refuse(request)
        response = refused or self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response

    def refuse(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        session = request.session
        started = session.setdefault(STARTED, int(time.time()))  # a session from before this rule: from now
        if time.time() - started > settings.DANGJIAN_SESSION_MAX_SECONDS:
            logout(request)
            return None  # now anonymous: pages send it to the login, the API answers 401
        if session.get(MUST_CHANGE):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if request.path not in allowed and not request.path.startswith(("/i18n/", "/static/")):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先登录网页修改初始密码"}, status=403)
                return redirect("accounts:password_change")
        return None
