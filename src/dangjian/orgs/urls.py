from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("orgs/new/", views.OrganizationAdd.as_view(), name="organization_add"),
    path("orgs/<str:code>/edit/", views.OrganizationEdit.as_view(), name="organization_edit"),
    path("orgs/<str:code>/move/", views.OrganizationMove.as_view(), name="organization_move"),
    path("orgs/<str:code>/tiers/new/", views.TierAdd.as_view(), name="tier_add"),
]
