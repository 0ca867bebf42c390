"""Workflows as transition tables: which step leads from which states to which, for whom, on what data.

A table is a :class:`Workflow` over one model's state field, made of :class:`Transition`
rows (name, Chinese label, source states, target state, permission, guard, required data,
audit action). Services call :meth:`Workflow.run`; pages and the API call
:meth:`Workflow.available` to offer exactly the steps this user may take now. Running a
step locks the row, checks source, permission and guard, sets the state, saves and writes
the audit event, all in one transaction. Saving a changed state outside a step is refused
(:class:`StateAssignmentError`); creating a record in any state is not (the import loads
finished problems), nor is a bulk ``QuerySet.update`` (the importer's own business).

Why our own ~150 lines and not a library. ``django-viewflow``'s ``viewflow.fsm`` has the
right shape (closed unless permitted, available transitions per user, direct assignment
refused), but it is AGPL-3.0 with an exception and parts under a commercial licence, a poor
fit for an MIT project, and it brings a whole workflow framework. ``django-fsm-2`` is MIT and
maintained (django-commons), but its conditions are booleans without a message or a field,
it knows nothing of the data a step needs, it neither locks nor saves nor audits (signals
would put the audit outside the service's transaction), and its ``protected`` field breaks
``refresh_from_db``. What we need beyond either is the Chinese message on a field and the
required data, so the thin wrapper would be as long as the layer itself.

This package imports nothing from the domain apps: tables live in each app's ``workflow.py``.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_noop

__all__ = ["Transition", "Workflow", "StateAssignmentError", "always", "nobody"]

_LOADED = "_workflow_loaded_state"
_RUNNING = "_workflow_running"
UNKNOWN = gettext_noop("没有这一操作：%(name)s")
WRONG_SOURCE = gettext_noop("当前状态为“%(state)s”，不能执行“%(label)s”")


def always(user, obj):
    return True


def nobody(user, obj):
    return False


class StateAssignmentError(RuntimeError):
    """A changed state saved outside the workflow: a bug in the caller, never the user's input."""


@dataclass(frozen=True)
class Transition:
    """One row of a table.

    ``permission(user, obj) -> bool``; ``guard(obj, data)`` returns None, a message (for the
    step as a whole) or ``{field: message}``; ``requires`` maps each datum the step needs to
    the message shown when it is missing; ``apply(obj, data)`` sets the other fields the step
    changes (a date, a note); ``recorded`` names data written into the audit event only.
    """

    name: str
    label: str
    source: tuple
    target: str
    action: str
    permission: Callable = always
    guard: Callable | None = None
    requires: dict = field(default_factory=dict)
    apply: Callable | None = None
    recorded: tuple = ()  # data kept in the audit event only (a reason)

    def allows(self, user, obj, state):
        return state in self.source and bool(self.permission(user, obj))


def _error(message):
    return message if isinstance(message, ValidationError) else ValidationError(message)


class Workflow:
    def __init__(self, model, state_field, transitions, *, snapshot, organization=None, related=()):
        self.model, self.field = model, state_field
        self.states = {value for value, _ in model._meta.get_field(state_field).choices}
        self.labels = dict(model._meta.get_field(state_field).choices)
        self.transitions = {t.name: t for t in transitions}
        for t in transitions:
            if not set(t.source) | {t.target} <= self.states:
                raise ImproperlyConfigured(f"{model.__name__}.{t.name}: unknown state")
        self.snapshot = snapshot
        self.organization = organization or (lambda obj: getattr(obj, "organization", None))
        self.related = related
        # The state as loaded, remembered where rows come from the database (``from_db``), not on every
        # ``__init__``: a post_init receiver would make Django signal for every instance of every model
        # (an import builds 600,000 of them), and a new row cannot have been assigned behind its table.
        remember = self._remember
        loaded = model.from_db.__func__

        def from_db(cls, db, field_names, values):
            instance = loaded(cls, db, field_names, values)
            remember(cls, instance)
            return instance

        model.from_db = classmethod(from_db)
        post_save.connect(self._remember, sender=model, weak=False)
        pre_save.connect(self._refuse_assignment, sender=model, weak=False)

    # ----- reading ----------------------------------------------------------------
    def state_of(self, obj):
        return getattr(obj, self.field)

    def available(self, user, obj):
        """The transitions ``user`` may take on ``obj`` now (its guard is checked when it runs)."""
        state = self.state_of(obj)
        return [t for t in self.transitions.values() if t.allows(user, obj, state)]

    def __getitem__(self, name):
        return self.transitions[name]

    # ----- writing ----------------------------------------------------------------
    def run(self, user, obj, name, **data):
        """Take step ``name`` on ``obj`` as ``user`` (None: the system); returns the saved object.

        PermissionDenied when the table does not let ``user`` take it; ValidationError (by
        field) when the state is not one it starts from, data is missing or the guard refuses.
        """
        t = self.transitions.get(name)
        if t is None:
            raise ValidationError({NON_FIELD_ERRORS: ValidationError(UNKNOWN, params={"name": name})})
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        with transaction.atomic():
            qs = self.model._base_manager.select_related(*self.related) if self.related else self.model._base_manager
            locked = qs.select_for_update(of=("self",)).get(pk=obj.pk)
            state = self.state_of(locked)
            if state not in t.source:
                raise ValidationError({NON_FIELD_ERRORS: ValidationError(
                    WRONG_SOURCE, params={"state": self.labels.get(state, state), "label": t.label})})
            if not t.permission(user, locked):
                raise PermissionDenied
            missing = {f: _error(m) for f, m in t.requires.items() if data.get(f) in (None, "", False)}
            if missing:
                raise ValidationError(missing)
            refused = t.guard(locked, data) if t.guard else None
            if refused:
                if isinstance(refused, dict):
                    raise ValidationError({f: _error(m) for f, m in refused.items()})
                raise ValidationError({NON_FIELD_ERRORS: _error(refused)})
            before = self.snapshot(locked)
            columns = [f.attname for f in self.model._meta.concrete_fields if not f.primary_key]
            old = {c: getattr(locked, c) for c in columns}
            setattr(locked, self.field, t.target)
            if t.apply:
                t.apply(locked, data)
            # Compare and set, besides the lock: SQLite has no SELECT … FOR UPDATE, and a double
            # click must take a step once.
            changed = {c: getattr(locked, c) for c in columns if getattr(locked, c) != old[c]}
            if not self.model._base_manager.filter(pk=locked.pk, **{self.field: state}).update(**changed):
                raise ValidationError({NON_FIELD_ERRORS: ValidationError(
                    WRONG_SOURCE, params={"state": self.labels.get(state, state), "label": t.label})})
            setattr(locked, _RUNNING, True)
            try:
                locked.save()
            finally:
                setattr(locked, _RUNNING, False)
            from dangjian.audit.services import record  # the audit trail is the one app below every table

            after = {**self.snapshot(locked), **{k: data.get(k) for k in t.recorded}}
            record(t.action, actor=user, obj=locked, organization=self.organization(locked), before=before,
                   after=after)
        return locked

    # ----- the state is written by steps only -------------------------------------------
    def _remember(self, sender, instance, **kwargs):
        instance.__dict__[_LOADED] = instance.__dict__.get(self.field)

    def _refuse_assignment(self, sender, instance, update_fields=None, **kwargs):
        if instance._state.adding or instance.__dict__.get(_RUNNING):
            return
        if update_fields is not None and self.field not in update_fields:
            return
        current = instance.__dict__.get(self.field)
        if current == instance.__dict__.get(_LOADED):
            return
        stored = self.model._base_manager.filter(pk=instance.pk).values_list(self.field, flat=True).first()
        if stored != current:  # not merely refreshed from the database since it was loaded
            raise StateAssignmentError(
                f"{sender.__name__}.{self.field} changes through its workflow only ({stored!r} → {current!r})")
