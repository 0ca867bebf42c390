from .models import AuditEvent


def record(action, *, actor=None, obj=None, organization=None, before=None, after=None, label=""):
    """Write one audit event; call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label or (getattr(actor, "get_username", lambda: "")() if actor else "") or "系统",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        organization=organization,
        before=before,
        after=after,
    )
