from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.AuditList.as_view(), name="event_list"),
    path("audit/logins/", views.LoginHistory.as_view(), name="login_list"),
]
