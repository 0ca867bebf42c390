from django.contrib import messages
from django.contrib.auth import update_session_auth_hash, views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import services
from .forms import LoginForm
from .middleware import MUST_CHANGE


class LoginView(auth_views.LoginView):
    form_class = LoginForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """One's own password: the old one, then the new one twice, checked against the policy."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "forced": bool(self.request.session.get(MUST_CHANGE))}

    def form_valid(self, form):
        services.change_password(self.request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)  # this session stays; others end
        self.request.session.pop(MUST_CHANGE, None)
        messages.success(self.request, _("密码已修改。"))
        return redirect("web:home")
