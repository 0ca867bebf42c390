"""Every page, by app: each app names its URLs ``app:model_action`` in its own ``urls.py``."""

from django.urls import include, path

from dangjian.api import api

APPS = ("web", "accounts", "ui", "orgs", "people", "contacts", "problems", "compliance", "audit", "imports", "notices", "accountability")

urlpatterns = [
    *(path("", include(f"dangjian.{app}.urls")) for app in APPS),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher
]
