"""Writing the audit trail: one named domain action per change, in the change's own transaction."""

from django.db.models import F

from . import chain, registry
from .context import current_request_id
from .models import AuditChain, AuditEvent, AuditObject, DataVersion


def record(action, *, actor=None, obj=None, organization=None, before=None, after=None, label="", related=(),
           ties=None, address=None, data_changed=True):
    """Write one audit event; call it inside the transaction of the change it records.

    ``action`` must be registered by the app that owns it (audit.registry). ``related``:
    further records the event concerns (shown on their pages too), as model instances or
    ``(model or label, pk, organization_id)``; ``ties``: many records of a kind at once,
    ``{label: (ids, own_organization)}`` (an import's organizations, persons …), written
    set-based. Both are sealed into the event's place in the hash chain (audit.chain).
    ``address``: the client's address (log-ins). ``data_changed=False`` for what reads
    (a log-in, an export, a download, a reveal): the data version, and every cached figure
    keyed on it, stays.
    """
    if not registry.is_registered(action):
        raise LookupError(f"audit action “{action}” is not registered (dangjian.audit.registry.register_action)")
    from django.db import transaction
    from django.utils import timezone

    related_rows = [_tie_row(o) for o in related]
    parts = []
    if related_rows:
        by_kind = {}
        for kind, pk, org in related_rows:
            by_kind.setdefault(kind, []).append((pk, org))
        parts.append(("related", by_kind))
    id_lists = {label: (sorted(ids), own) for label, (ids, own) in (ties or {}).items() if ids}
    with transaction.atomic():
        head = chain.lock_head()  # appends queue here: the chain never forks
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=label or (getattr(actor, "get_username", lambda: "")() if actor else "") or "系统",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            organization=organization,
            before=_as_stored(before),
            after=_as_stored(after),
            request_id=current_request_id(),
            address=address or None,
        )
        tie_digest = _ties_digest(related_rows, id_lists)
        event.digest = chain.content_digest(head.digest or head.base_digest or chain.GENESIS, event, tie_digest)
        event.save(force_insert=True)
        if related_rows:
            AuditObject.objects.bulk_create(
                [AuditObject(event=event, object_type=k, object_id=str(pk), organization_id=org)
                 for k, pk, org in related_rows], batch_size=5000)
        for label_, (ids, own) in id_lists.items():
            _link_ids(event, label_, ids, own)
        AuditChain.objects.filter(pk=1).update(length=F("length") + 1, last_id=event.pk, digest=event.digest)
    if data_changed:
        bump_data_version()
    return event


def _as_stored(value):
    """The value as the JSON column gives it back (tuples as lists …), so the sealed digest matches."""
    import json

    return None if value is None else json.loads(json.dumps(value))


def _tie_row(o):
    if isinstance(o, tuple):
        model, pk, org_id = o
        label = model if isinstance(model, str) else model._meta.label_lower
    else:
        label, pk = o._meta.label_lower, o.pk
        org_id = getattr(o, "organization_id", None)
    return label, str(pk), org_id


def _ties_digest(related_rows, id_lists):
    """One digest over every tie; an import's id lists joined in one go, never a hash per tie."""
    if not related_rows:
        # The common case (an import): the same text chain.ties_digest() builds, from sorted ints.
        return chain.digest_of_parts([chain.ids_digest_part(kind, *id_lists[kind]) for kind in sorted(id_lists)])
    ties = {}
    for kind, pk, org in related_rows:
        ties.setdefault(kind, []).append((pk, org))
    for kind, (ids, own) in id_lists.items():
        ties.setdefault(kind, []).extend((i, i if own else None) for i in ids)
    return chain.ties_digest(ties)


def _link_ids(event, label, ids, own_organization=False):
    """Tie ``event`` to many records of one kind (an import's organizations, persons …), in one statement.

    The ids travel as one array (PostgreSQL ``unnest``) or one JSON text (SQLite ``json_each``),
    so a province's 200,000 ties cost a single INSERT … SELECT, not 200,000 objects.
    ``own_organization``: the records are organizations, filed at themselves.
    """
    import json

    from django.db import connection

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
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def data_version():
    return DataVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def purge(*, label="命令行"):
    """Delete the audit entries and login history older than the retention period, and only those.

    The chain keeps verifying: the kept entries start from the digest of the last one
    deleted (``AuditChain.base_digest``). Entries go oldest first, a prefix of the chain;
    the clean-up itself is recorded.
    """
    from django.db import transaction

    from .models import retention_days, retention_limit

    limit = retention_limit()
    with transaction.atomic():
        head = chain.lock_head()
        first_young = AuditEvent.objects.filter(at__gt=limit).order_by("id").values_list("id", flat=True).first()
        old = AuditEvent.objects.filter(at__lte=limit)
        if first_young is not None:
            old = old.filter(id__lt=first_young)
        last = old.order_by("-id").values_list("id", "digest").first()
        events = 0
        if last is not None:
            events = old.count()
            AuditObject.objects.filter(event_id__lte=last[0]).delete()
            old.delete()
            AuditChain.objects.filter(pk=1).update(base_digest=last[1], length=F("length") - events)
            if head.last_id == last[0]:  # nothing younger: the chain is now empty, starting at base
                AuditChain.objects.filter(pk=1).update(digest="", last_id=0)
        logins = _purge_login_history(limit)
        record("audit purged", label=label, data_changed=False, after={"days": retention_days(), "events": events, "logins": logins})
    return events, logins


def _purge_login_history(limit):
    from axes.models import AccessFailureLog, AccessLog

    n = AccessLog.objects.filter(attempt_time__lte=limit).delete()[0]
    return n + AccessFailureLog.objects.filter(attempt_time__lte=limit).delete()[0]
