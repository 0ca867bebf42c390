from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PagesRequireLogin(LoginRequiredMiddleware):
    """Every page needs a login; the API answers 401 itself (session or token).

    The language switcher (/i18n/setlang/) works before login too, from the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(("/api/", "/i18n/")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ChosenLanguage(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the switcher (the language cookie).

    Django's own LocaleMiddleware also follows the browser's Accept-Language; here the
    browser's language is not a choice: a county office's PC set to English, or a script
    with default headers, still gets the Chinese interface the department works in.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
