from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("todo/", views.todo, name="todo"),
    path("favicon.ico", views.favicon, name="favicon"),
]
