from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login, except that production refuses the passwords the demo prints (admin/admin)."""

    demo_refused = False

    def clean(self):
        password = self.cleaned_data.get("password")
        if settings.DANGJIAN_PRODUCTION and password in settings.DANGJIAN_DEMO_PASSWORDS:
            self.demo_refused = True
            raise ValidationError(
                _("生产环境不接受演示密码。请系统管理员在服务器上用 dangjian changepassword 用户名 重设密码。"),
                code="demo_password")
        return super().clean()
