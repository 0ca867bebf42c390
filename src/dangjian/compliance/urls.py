from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("check/export.xlsx", views.check_export, name="check_export"),
    path("orgs/<str:code>/findings/", views.finding_new, name="finding_add"),
    path("findings/", views.FindingList.as_view(), name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/reply/", views.finding_reply, name="finding_reply"),
    path("findings/<int:pk>/<str:step>/", views.finding_step, name="finding_step"),
]
