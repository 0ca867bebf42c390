"""Every ORM save or delete of the project's records raises the data version.

So the cache of whole computations (web.cache) does not depend on every write path
remembering to audit: a record saved from a shell, a migration or a service that forgot
``record()`` still makes cached figures stale. Bulk writes bypass signals; the importer
raises the version itself.
"""

from django.db.models.signals import post_delete, post_save

from .services import bump_data_version

# Records whose changes cannot change a figure: the audit itself, runs of the import page.
_UNCOUNTED = {"audit.auditevent", "audit.auditobject", "audit.dataversion", "imports.importrun"}
_APPS = {"orgs", "people", "contacts", "problems", "compliance", "accounts"}


def _changed(sender, **kwargs):
    if sender._meta.app_label in _APPS and sender._meta.label_lower not in _UNCOUNTED:
        bump_data_version()


post_save.connect(_changed, dispatch_uid="dangjian-data-version-save")
post_delete.connect(_changed, dispatch_uid="dangjian-data-version-delete")
