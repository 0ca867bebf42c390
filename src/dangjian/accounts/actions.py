from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

register_actions({
    "api token issued": pgettext_lazy("audit action", "签发接口令牌"),
    "api token revoked": pgettext_lazy("audit action", "吊销接口令牌"),
    "account created": pgettext_lazy("audit action", "创建账户"),
    "password changed": pgettext_lazy("audit action", "修改密码"),
    "user logged in": pgettext_lazy("audit action", "登录"),
    "user login failed": pgettext_lazy("audit action", "登录失败"),
    "user logged out": pgettext_lazy("audit action", "退出登录"),
    "login lockouts reset": pgettext_lazy("audit action", "解除登录锁定"),
    "login history cleaned": pgettext_lazy("audit action", "清理登录记录"),
})
register_fields({"name": _("名称"), "expires_at": _("失效时间"), "username": _("用户名"), "grant": _("授权"),
                 "removed": _("删除条数"), "kept_days": _("保留天数"), "ip": _("地址")})
