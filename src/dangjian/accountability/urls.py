from django.urls import path

from . import step_views, views

app_name = "accountability"

urlpatterns = [
    path("accountability/", views.board, name="board"),
    path("accountability/cases/", views.CaseList.as_view(), name="case_list"),
    path("accountability/cases/export.xlsx", views.CaseExport.as_view(), name="case_export"),
    path("accountability/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("accountability/cases/<int:pk>/findings/", views.case_finding_add, name="case_finding_add"),
    # The human steps (step_views.py); the board, the list and the case page are views.py's.
    path("accountability/cases/<int:pk>/steps/", step_views.case_steps, name="case_steps"),
    path("accountability/cases/<int:pk>/steps/<str:name>/", step_views.case_step, name="case_step"),
    path("accountability/attachments/<int:pk>/", step_views.attachment, name="attachment_detail"),
]
