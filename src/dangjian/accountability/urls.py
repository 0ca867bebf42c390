from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("accountability/", views.board, name="board"),
    path("accountability/cases/", views.CaseList.as_view(), name="case_list"),
    path("accountability/cases/export.xlsx", views.CaseExport.as_view(), name="case_export"),
    path("accountability/cases/<int:pk>/", views.case_detail, name="case_detail"),
]
