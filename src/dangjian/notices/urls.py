from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("notices/read/", views.read_all, name="read_all"),
]
