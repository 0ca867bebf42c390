from django.contrib.auth.middleware import LoginRequiredMiddleware


class PagesRequireLogin(LoginRequiredMiddleware):
    """Every page needs a login; the API answers 401 itself (session or token)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
