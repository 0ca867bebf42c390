from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("orgs/", views.OrganizationList.as_view(), name="organization_list"),
    path("orgs/new/", views.OrganizationAdd.as_view(), name="organization_add"),  # before orgs/<code>/
    path("orgs/<str:code>/", views.OrganizationDetail.as_view(), name="organization_detail"),
    path("orgs/<str:code>/children/", views.org_children, name="organization_children"),
    path("orgs/<str:code>/edit/", views.OrganizationEdit.as_view(), name="organization_edit"),
    path("orgs/<str:code>/move/", views.OrganizationMove.as_view(), name="organization_move"),
    path("orgs/<str:code>/tiers/new/", views.TierAdd.as_view(), name="tier_add"),
]
