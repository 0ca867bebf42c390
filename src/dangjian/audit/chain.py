"""The audit as a hash chain: an entry changed, deleted or slipped in behind the application shows.

Each :class:`~dangjian.audit.models.AuditEvent` stores ``digest = SHA-256(previous digest +
its canonical content)``; the content includes a digest of its ties (``AuditObject``: an
import's organizations, persons, problems), computed once over the whole set, not per tie,
so an import that ties one event to 200,000 records pays one hash. The head of the chain
(:class:`~dangjian.audit.models.AuditChain`: length, last id, last digest) is locked by every
append, so concurrent writers queue instead of forking the chain, and deleting the newest
entries shows too. :func:`verify` walks the chain again (``dangjian audit verify``).

Order is the entries' id order. Ids may have gaps (a rolled-back insert uses a sequence
number); the chain does not care, only the digests link.
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

GENESIS = "0" * 64


def _tie_key(object_id):
    # Numeric order for the integer keys every model here has; a total order for any text.
    return (len(object_id), object_id)


def ties_digest(ties):
    """The digest of an entry's ties: ``{object_type: [(object_id, organization_id or None)]}``.

    Each kind is written in one of three shapes (ties at no organization; ties filed at
    themselves, an import's organizations; anything else), so the common cases join plain
    ids and the verification rebuilds exactly the same text from the rows.
    """
    if not ties:
        return ""
    parts = []
    for kind in sorted(ties):
        rows = sorted(((str(i), None if o is None else str(o)) for i, o in ties[kind]), key=lambda r: _tie_key(r[0]))
        if all(o is None for _, o in rows):
            parts.append(kind + "\n" + ",".join(i for i, _ in rows))
        elif all(o == i for i, o in rows):
            parts.append(kind + "@\n" + ",".join(i for i, _ in rows))
        else:
            parts.append(kind + "*\n" + ",".join(f"{i}@{o or ''}" for i, o in rows))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def ids_digest_part(kind, ids, own_organization):
    """The fast path of :func:`ties_digest` for one kind of sorted integer ids (an import's ties)."""
    return kind + ("@\n" if own_organization else "\n") + ",".join(map(str, ids))


def digest_of_parts(parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest() if parts else ""


def _iso(at):
    from datetime import UTC

    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_digest(previous, event, ties):
    """SHA-256 of the previous digest and the event's content (``ties``: its ties' digest)."""
    payload = [
        _iso(event.at), event.actor_id, event.actor_label, event.action, event.object_type, event.object_id,
        event.object_repr, event.organization_id, event.before, event.after, event.request_id,
        event.address or None, ties,
    ]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((previous + text).encode()).hexdigest()


def lock_head():
    """Lock the chain's head for this transaction and return it (created on first use).

    An UPDATE first, then the read: on PostgreSQL the row lock makes a second writer wait
    and then read the head the first one left; on SQLite the write takes the database's
    write lock (IMMEDIATE transactions take it at BEGIN anyway).
    """
    from django.db.models import F

    from .models import AuditChain

    if not AuditChain.objects.filter(pk=1).update(length=F("length")):
        AuditChain.objects.get_or_create(pk=1)
    return AuditChain.objects.get(pk=1)


@dataclass
class Broken:
    event_id: int | None
    message: str


def _ties_of(event_id):
    from .models import AuditObject

    ties = {}
    for kind, object_id, org in AuditObject.objects.filter(event_id=event_id).values_list(
            "object_type", "object_id", "organization_id").iterator(chunk_size=20000):
        ties.setdefault(kind, []).append((object_id, org))
    return ties


def verify(progress=None):
    """Walk the chain; the first broken entry (a :class:`Broken`), or None when it is intact.

    Returns ``(broken or None, entries checked)``.
    """
    from django.db.models import Count

    from .models import AuditChain, AuditEvent, AuditObject

    with_ties = dict(AuditObject.objects.values_list("event").annotate(n=Count("id")).order_by())
    head = AuditChain.objects.filter(pk=1).first()
    previous = head.base_digest if head and head.base_digest else GENESIS
    checked = 0
    last_id = 0
    fields = ["id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_repr",
              "organization_id", "before", "after", "request_id", "address", "digest"]
    for event in AuditEvent.objects.order_by("id").only(*fields).iterator(chunk_size=5000):
        ties = ties_digest(_ties_of(event.pk)) if event.pk in with_ties else ""
        expected = content_digest(previous, event, ties)
        if event.digest != expected:
            if not event.digest:
                why = _("第 %(id)s 条审计记录没有校验值：它不是由本系统写入的（被插入）") % {"id": event.pk}
            elif checked and event.pk != last_id + 1:
                why = _("第 %(id)s 条审计记录与审计链不符：它被修改，或它之前（第 %(after)s 条之后）的记录被删除") % {
                    "id": event.pk, "after": last_id}
            else:
                why = _("第 %(id)s 条审计记录与审计链不符：它被修改或被插入") % {"id": event.pk}
            return Broken(event.pk, why), checked
        previous = event.digest
        checked += 1
        last_id = event.pk
        with_ties.pop(event.pk, None)
    if with_ties:
        orphan = min(with_ties)
        return Broken(orphan, _("第 %(id)s 条审计记录已不存在，但其关联对象还在：它被删除") % {"id": orphan}), checked
    length, head_id, head_digest = (head.length, head.last_id, head.digest) if head else (0, 0, "")
    if head_digest and (head_digest != previous or head_id != last_id or length != checked):
        return Broken(head_id, _("最后的审计记录（第 %(id)s 条）被删除或链尾被改动：链尾应为 %(length)s 条")
                      % {"id": head_id, "length": length}), checked
    if not head_digest and checked:
        return Broken(last_id, _("审计链尾缺失：链尾记录被删除")), checked
    return None, checked
