"""The audit trail and the imports, inherited from tests.scoped."""

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.policy import access
from dangjian.audit.models import AuditEvent
from dangjian.imports.models import ImportRun
from tests.scoped import ScopedViewTests, Url, world  # noqa: F401  (the world the expectations are judged in)


class TestAuditEventViews(ScopedViewTests):
    model = AuditEvent
    urls = (Url("audit:event_list"), Url("audit:login_list"))

    def build_inside(self, world):
        return AuditEvent.objects.create(action="organization changed", organization=world.orgs["A1S"],
                                         object_repr="甲的事件")

    def build_outside(self, world):
        return AuditEvent.objects.create(action="organization changed", organization=world.orgs["B1S"],
                                         object_repr="乙的事件")


def token(run):
    return [str(run.token)]


class TestImportRunViews(ScopedViewTests):
    model = ImportRun
    urls = (
        Url("imports:run_detail", args=token),
        Url("imports:run_add", action="add",
            data=lambda run: {"workbook": SimpleUploadedFile("名册.xlsx", b"not a workbook")}),
        Url("imports:run_confirm", args=token, action="confirm", form=False, data=lambda run: {}),
    )

    def build_inside(self, world):
        return ImportRun.objects.create(uploaded_by=world.users["a_admin"], file_name="甲.xlsx",
                                        state=ImportRun.State.CHECKED, report={})

    def build_outside(self, world):
        return ImportRun.objects.create(uploaded_by=world.users["root_admin"], file_name="乙.xlsx",
                                        state=ImportRun.State.CHECKED, report={})

    def org_of(self, row):
        return row.uploaded_by.grants.get().organization

    def permits(self, user, action, row, model=None):
        # imports/policy.py gives a run to its uploader alone (an ``extra`` rule, not a role):
        # the department imports; a run is seen and confirmed by whoever uploaded it.
        if action == "add":
            return super().permits(user, action, row, model)
        roles = set(user.grants.values_list("role", flat=True))
        return user == row.uploaded_by and bool(roles & access(ImportRun, "add").roles)

    def holds_a_role_for(self, user, url):
        # The same ``extra`` rule: an administrator holds the view and the confirm of their own runs.
        return bool(set(user.grants.values_list("role", flat=True)) & access(ImportRun, "add").roles)
