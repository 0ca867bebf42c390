from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/export/", views.PersonExport.as_view(), name="person_export"),
    path("people/<str:code>/", views.PersonDetail.as_view(), name="person_detail"),
    path("people/<str:code>/edit/", views.PersonEdit.as_view(), name="person_edit"),
    path("people/<str:code>/reveal/", views.PersonReveal.as_view(), name="person_reveal"),
    path("orgs/<str:code>/posts/new/", views.PostAdd.as_view(), name="post_add"),
    path("posts/<int:pk>/end/", views.PostEnd.as_view(), name="post_end"),
]
