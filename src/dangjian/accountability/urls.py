from django.urls import path

from . import step_views

app_name = "accountability"

urlpatterns = [
    # The human steps (step_views.py); the board, the list and the case page are views.py's.
    path("accountability/cases/<int:pk>/steps/", step_views.case_steps, name="case_steps"),
    path("accountability/cases/<int:pk>/steps/<str:name>/", step_views.case_step, name="case_step"),
    path("accountability/attachments/<int:pk>/", step_views.attachment, name="attachment_detail"),
]
