"""Browser imports: the department imports; a run is its uploader's alone."""

from django.db.models import Q

from dangjian.accounts.policy import ADMIN, Access, declare

from .models import ImportRun


def _own_runs(user, scope, action):
    return Q(uploaded_by=user) if scope.is_global or scope.paths(ADMIN) else Q(pk__in=[])


declare(ImportRun, reach=lambda paths: Q(pk__in=[]), actions={"view": Access(), "add": Access(ADMIN),
                                                              "confirm": Access()}, extra=[_own_runs])
