from django.contrib.auth import views as auth_views
from django.urls import include, path

from dangjian.api import api
from dangjian.audit import views as audit
from dangjian.compliance import views as compliance
from dangjian.contacts import views as contacts
from dangjian.imports import views as imports
from dangjian.orgs import views as orgs
from dangjian.people import views as people
from dangjian.problems import views as problems
from dangjian.web import pickers
from dangjian.web import views as web

urlpatterns = [
    path("", web.dashboard, name="dashboard"),
    path("favicon.ico", web.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("autocomplete/orgs/", pickers.autocomplete, {"source": "orgs"}, name="autocomplete-orgs"),
    path("autocomplete/people/", pickers.autocomplete, {"source": "people"}, name="autocomplete-people"),
    path("autocomplete/teams/", pickers.autocomplete, {"source": "teams"}, name="autocomplete-teams"),
    # The records kept in the browser (per-app URL namespaces); before "orgs/<code>/" so that "orgs/new/" is theirs.
    path("", include("dangjian.orgs.urls")),
    path("", include("dangjian.people.urls")),
    path("orgs/", orgs.OrganizationList.as_view(), name="org-list"),
    path("orgs/<str:code>/", orgs.OrganizationDetail.as_view(), name="org-detail"),
    path("orgs/<str:code>/children/", orgs.org_children, name="org-children"),
    path("orgs/<str:code>/findings/", compliance.finding_new, name="finding-new"),
    path("findings/", compliance.FindingList.as_view(), name="finding-list"),
    path("findings/<int:pk>/", compliance.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/reply/", compliance.finding_reply, name="finding-reply"),
    path("findings/<int:pk>/<str:step>/", compliance.finding_step, name="finding-step"),
    path("people/<str:code>/", people.PersonDetail.as_view(), name="person-detail"),
    path("links/new/", contacts.link_new, name="link-new"),
    path("links/feedback/", contacts.link_feedback_partial, name="link-feedback"),
    path("links/<int:pk>/end/", contacts.link_end, name="link-end"),
    path("links/<int:pk>/change/", contacts.link_change, name="link-change"),
    path("activities/", contacts.ActivityList.as_view(), name="activity-list"),
    path("activities/new/", contacts.activity_new, name="activity-new"),
    path("problems/", problems.ProblemList.as_view(), name="problem-list"),
    path("problems/new/", problems.problem_new, name="problem-new"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem-detail"),
    path("check/", compliance.check, name="check"),
    path("audit/", audit.AuditList.as_view(), name="audit-list"),
    path("check/export.xlsx", compliance.check_export, name="check-export"),
    path("import/", imports.import_upload, name="import"),
    path("import/template.xlsx", imports.import_template, name="import-template"),
    path("import/<str:token>/", imports.import_review, name="import-review"),
    path("import/<str:token>/confirm/", imports.import_confirm, name="import-confirm"),
    path("import/<str:token>/errors.xlsx", imports.import_errors, name="import-errors"),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher
    # Activity photos go through the scope; MEDIA_ROOT itself is never served.
    path("photos/<int:pk>/", contacts.activity_photo, name="activity-photo"),
]
