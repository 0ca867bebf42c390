from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("links/new/", views.link_new, name="link_add"),
    path("links/feedback/", views.link_feedback_partial, name="link_feedback"),
    path("links/<int:pk>/end/", views.link_end, name="link_end"),
    path("links/<int:pk>/change/", views.link_change, name="link_change"),
    path("activities/", views.ActivityList.as_view(), name="activity_list"),
    path("activities/new/", views.activity_new, name="activity_add"),
    # Activity photos go through the scope; MEDIA_ROOT itself is never served.
    path("photos/<int:pk>/", views.activity_photo, name="photo_detail"),
]
