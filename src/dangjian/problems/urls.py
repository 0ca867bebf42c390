from django.urls import path

from . import views

app_name = "problems"

urlpatterns = [
    path("problems/", views.ProblemList.as_view(), name="problem_list"),
    path("problems/new/", views.problem_new, name="problem_add"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
]
