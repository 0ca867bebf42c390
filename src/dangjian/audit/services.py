"""Writing the audit trail: one named domain action per change, in the change's own transaction."""

from . import registry
from .context import current_request_id
from .models import AuditEvent, AuditObject, DataVersion


def record(action, *, actor=None, obj=None, organization=None, before=None, after=None, label="", related=()):
    """Write one audit event; call it inside the transaction of the change it records.

    ``action`` must be registered by the app that owns it (audit.registry). ``related``:
    further records the event concerns (shown on their pages too).
    """
    if not registry.is_registered(action):
        raise LookupError(f"audit action “{action}” is not registered (dangjian.audit.registry.register_action)")
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label or (getattr(actor, "get_username", lambda: "")() if actor else "") or "系统",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        organization=organization,
        before=before,
        after=after,
        request_id=current_request_id(),
    )
    if related:
        link_objects(event, related)
    bump_data_version()
    return event


def link_objects(event, objects):
    """Tie ``event`` to more records (``[(model or label, pk, organization_id)]`` or model instances)."""
    rows = []
    for o in objects:
        if len(rows) >= 5000:
            AuditObject.objects.bulk_create(rows)
            rows = []
        if isinstance(o, tuple):
            model, pk, org_id = o
            label = model if isinstance(model, str) else model._meta.label_lower
        else:
            label, pk = o._meta.label_lower, o.pk
            org_id = getattr(o, "organization_id", None)
        rows.append(AuditObject(event=event, object_type=label, object_id=str(pk), organization_id=org_id))
    AuditObject.objects.bulk_create(rows)


def link_ids(event, label, ids, own_organization=False):
    """Tie ``event`` to many records of one kind (an import's organizations, persons …), in one statement.

    The ids travel as one array (PostgreSQL ``unnest``) or one JSON text (SQLite ``json_each``),
    so a province's 200,000 ties cost a single INSERT … SELECT, not 200,000 objects.
    ``own_organization``: the records are organizations, filed at themselves.
    """
    import json

    from django.db import connection

    ids = sorted(ids)
    if not ids:
        return
    table = AuditObject._meta.db_table
    org = "x" if own_organization else "NULL"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {table} (event_id, object_type, object_id, organization_id) "
                           f"SELECT %s, %s, x::text, {org} FROM unnest(%s::bigint[]) AS t(x)",
                           [event.pk, label, ids])
        else:
            org = "value" if own_organization else "NULL"
            cursor.execute(f"INSERT INTO {table} (event_id, object_type, object_id, organization_id) "
                           f"SELECT %s, %s, CAST(value AS TEXT), {org} FROM json_each(%s)",
                           [event.pk, label, json.dumps(ids)])


def bump_data_version():
    """Mark the data as changed (the cache of whole computations keys on it).

    Called by ``record()`` and, through signals, by every ORM save or delete of the
    project's models; bulk writes that bypass signals (the importer) call it themselves.
    The increment is part of the change's transaction: a rolled-back change bumps nothing,
    and no reader sees the new version before it sees the change.
    """
    from django.db.models import F

    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def data_version():
    return DataVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
