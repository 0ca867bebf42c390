from django.urls import path

from . import pickers

app_name = "ui"

urlpatterns = [
    path("autocomplete/orgs/", pickers.autocomplete, {"source": "orgs"}, name="picker_orgs"),
    path("autocomplete/people/", pickers.autocomplete, {"source": "people"}, name="picker_people"),
    path("autocomplete/teams/", pickers.autocomplete, {"source": "teams"}, name="picker_teams"),
]
