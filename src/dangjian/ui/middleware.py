import json

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy


class PagesRequireLogin(LoginRequiredMiddleware):
    """Every page needs a login; the API answers 401 itself (session or token).

    The language switcher (/i18n/setlang/) works before login too, from the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(("/api/", "/i18n/")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def activate_chosen_language(request):
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    try:
        language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
    except LookupError:
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


class ChosenLanguage(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the switcher (the language cookie).

    Django's own LocaleMiddleware also follows the browser's Accept-Language; here the
    browser's language is not a choice: a county office's PC set to English, or a script
    with default headers, still gets the Chinese interface the department works in.
    """

    def process_request(self, request):
        activate_chosen_language(request)

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


NUL = "\x00"


def _nul_in(value):
    """Whether a parsed JSON value holds NUL in any string (a key or a value, at any depth)."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


class RefuseNulBytes:
    """A NUL byte (\\x00) anywhere in a request's parameters is bad input, refused before any view.

    PostgreSQL cannot hold NUL in text: a search, a filter, a picker's query, a code in the
    path, a form field or a field of the API's JSON that carried one raised deep in the
    database driver (a 500). One check here covers every page and endpoint, on both
    databases alike: the path, the query string, the cookies and a JSON body when the
    request comes in, the form fields before the view (after the URL is resolved, so that a
    view exempt from CSRF may still set its own upload handlers for a multipart upload).
    It sits before the session middleware: a session cookie holding NUL would otherwise be
    looked up on the way out. Pages answer 400 with a Chinese page (400.html, rendered with
    no session or user); the API answers 422 ``{"detail": …}`` like its other
    validation errors. A file's bytes are not parameters: uploads are checked by the import.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._in_request(request):
            activate_chosen_language(request)  # this runs before the language is set up: say it in the chosen one
            return self.refuse(request, self._in_request(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "GET" or (request.content_type == "multipart/form-data"
                                       and getattr(view_func, "csrf_exempt", False)):
            return None
        where = self._in_fields(request.POST, gettext_lazy("表单项“%(name)s”"))
        return self.refuse(request, where) if where else None

    @staticmethod
    def _in_fields(data, label):
        for name, values in data.lists():
            if NUL in name or any(NUL in v for v in values if isinstance(v, str)):
                return label % {"name": name.replace(NUL, "\\x00")}
        return None

    def _in_request(self, request):
        if NUL in request.path:
            return gettext("网址")
        where = (self._in_fields(request.GET, gettext_lazy("参数“%(name)s”"))
                 or self._in_fields(_Lists(request.COOKIES), gettext_lazy("Cookie“%(name)s”")))
        if where:
            return where
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            try:
                body = json.loads(request.body)
            except ValueError:
                return None  # not JSON: the API says so itself
            if _nul_in(body):
                return gettext("请求内容（JSON）")
        return None

    @staticmethod
    def refuse(request, where):
        message = gettext("%(where)s含有空字符（NUL，\\x00），系统不接受：请删除它后重试。"
                          "从其他软件复制来的文字有时会带上它。") % {"where": where}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=422, json_dumps_params={"ensure_ascii": False})
        # Rendered without the request: no context processor, no session, no user.
        return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


class _Lists:
    """A plain dict seen as a QueryDict's ``lists()``."""

    def __init__(self, data):
        self.data = data

    def lists(self):
        return ((k, [v]) for k, v in self.data.items())
