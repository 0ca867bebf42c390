from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("import/", views.import_upload, name="run_add"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("import/<str:token>/", views.import_review, name="run_detail"),
    path("import/<str:token>/confirm/", views.import_confirm, name="run_confirm"),
    path("import/<str:token>/errors.xlsx", views.import_errors, name="run_errors"),
]
