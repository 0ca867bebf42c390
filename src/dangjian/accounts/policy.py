"""Who may do what to which record: one policy table, one choke point for every read.

Each app declares, for each of its models, how a row reaches the organization tree
(its *reach*) and which roles may take which actions on it (:func:`declare`, called
from the app's ``policy.py``). Everything else asks here:

- ``Model.objects.visible_to(user, action)`` — the rows the user may take ``action`` on
  (NetBox's ``RestrictedQuerySet.restrict``). Pages, exports and the API read through it,
  so an object outside the user's scope is simply absent: a 404, never a 403.
- :func:`ensure` — after a service has written a row inside its transaction, check the
  row is still one the user may take the action on, else refuse (and roll back): NetBox's
  ``ObjectEditView`` check after the save. One rule for reads and writes.
- :func:`may` — whether the user holds a role for an action on a model somewhere: whether
  to show a button at all.

A role granted at an organization holds for its whole subtree (Wagtail's page
permissions). Grants come from :mod:`dangjian.accounts.scope`'s grant sources: the role
grants of the tree today; a supervision group's assigned units can register one more.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from dangjian.audit.registry import LOGIN_ACTIONS
from dangjian.records.querysets import set_policy

from .models import Role
from .scope import Scope, subtrees_q

ADMIN = frozenset({Role.ORG_ADMIN})
READERS = frozenset({Role.ORG_ADMIN, Role.LEADER, Role.BRANCH_SECRETARY, Role.INSPECTOR})
KEEPERS = frozenset({Role.ORG_ADMIN, Role.LEADER, Role.BRANCH_SECRETARY})  # keep records; supervisors never do
SUPERVISORS = frozenset({Role.ORG_ADMIN, Role.INSPECTOR})  # record findings
AUDITORS = frozenset({Role.AUDITOR})  # read the audit and the login history; write nothing


@dataclass(frozen=True)
class Access:
    """Who may take one action on one model's rows.

    - ``roles``: a role held at an organization covers the rows its subtree reaches;
    - ``own``: these roles also cover the rows whose ``owner`` is the user's own person,
      inside the subtrees where they hold the role (a leader's own links and visits);
      ``own_anywhere``: wherever those rows are (a person always reads their own record);
    - ``linked``: these roles cover rows at organizations the user's person links
      today (a team member keeps the ledger of the branches they link, not of the banner).
    """

    roles: frozenset = frozenset()
    own: frozenset = frozenset()
    own_anywhere: bool = False
    linked: frozenset = frozenset()

    @property
    def all_roles(self):
        return self.roles | self.own | self.linked


@dataclass
class ModelPolicy:
    model: type
    reach: list  # callables paths -> Q: "this row lies in one of these subtrees"
    actions: dict  # action -> Access
    owner: str | None = None  # the field naming the person a row belongs to
    linked_org: str | None = None  # the field naming the organization for ``linked`` access
    extra: list = field(default_factory=list)  # callables (user, scope, action) -> Q, OR-ed in (e.g. own imports)

    def reach_q(self, paths):
        q = Q(pk__in=[])
        for reach in self.reach:
            q |= reach(paths)
        return q


_POLICIES = {}


def tree_path(field):
    """A reach through a path field: the row's organization path lies in one of the subtrees."""
    return lambda paths: subtrees_q(paths, field)


def declare(model, *, reach, actions, owner=None, linked_org=None, extra=()):
    """Declare how ``model``'s rows reach the tree and who may take which action on them.

    ``reach``: a path field (``"organization__path"``) or a callable ``paths -> Q``, or a
    list of them (a person reaches the tree through posts and through links). A second
    ``declare`` for the same model adds reaches and actions (another app plugs in).
    """
    reaches = reach if isinstance(reach, (list, tuple)) else [reach]
    reaches = [tree_path(r) if isinstance(r, str) else r for r in reaches]
    found = _POLICIES.get(model)
    if found is None:
        _POLICIES[model] = ModelPolicy(model, reaches, dict(actions), owner, linked_org, list(extra))
    else:
        found.reach += reaches
        found.actions.update(actions)
        found.extra += list(extra)
        found.owner = found.owner or owner
        found.linked_org = found.linked_org or linked_org
    return _POLICIES[model]


def policy_for(model):
    model = getattr(model, "_meta", None) and model._meta.concrete_model or model
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} declares no access policy (dangjian.accounts.policy.declare)") from None


def policies():
    """Every declared model policy (for ARCHITECTURE.md, the URL walk and the inherited view tests)."""
    return dict(_POLICIES)


def access(model, action):
    try:
        return policy_for(model).actions[action]
    except KeyError:
        raise LookupError(f"{model.__name__} has no action “{action}” in its policy") from None


def visible_q(model, user, action="view"):
    """The Q selecting the rows of ``model`` that ``user`` may take ``action`` on."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    scope = Scope.of(user)
    policy = policy_for(model)
    rule = access(model, action)
    if scope.is_global and Role.ORG_ADMIN in rule.all_roles:
        return Q()
    q = Q(pk__in=[])
    paths = scope.paths(rule.roles)
    if paths:
        q |= policy.reach_q(paths)
    person = scope.person
    if rule.own and person is not None and policy.owner:
        own = Q(**{policy.owner: person.pk})
        if rule.own_anywhere:
            q |= own
        elif own_paths := scope.paths(rule.own):
            q |= own & policy.reach_q(own_paths)
    if rule.linked and person is not None and policy.linked_org and (linked_paths := scope.paths(rule.linked)):
        q |= Q(**{f"{policy.linked_org}__in": scope.linked_org_ids()}) & policy.reach_q(linked_paths)
    for extra in policy.extra:
        q |= extra(user, scope, action)
    return q


def visible_to(queryset, user, action="view"):
    return queryset.filter(visible_q(queryset.model, user, action))


def allows(user, action, obj):
    """Whether ``user`` may take ``action`` on the saved row ``obj`` (one query)."""
    if obj is None or obj.pk is None:
        return False
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).filter(visible_q(model, user, action)).exists()


def ensure(user, action, obj):
    """Refuse unless ``user`` may take ``action`` on ``obj``; inside a service's transaction.

    Called after the row is written (created, moved, edited): a refusal raises
    PermissionDenied, which rolls the transaction back, so a write that would land
    outside the user's scope never happens.
    """
    from django.core.exceptions import PermissionDenied

    if not allows(user, action, obj):
        raise PermissionDenied("您无权执行此操作")
    return obj


def allows_at(user, action, model, organization, person=None):
    """Whether ``user`` may take ``action`` on a row of ``model`` at ``organization`` (for ``person``).

    For a row not written yet (the buttons of a page, a form's first check): the same
    rule as :func:`visible_q`, judged from the user's grants without a query (the
    ``linked`` rule reads the user's links once per request). Services still call
    :func:`ensure` on the row they wrote.
    """
    if organization is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    scope = Scope.of(user)
    rule = access(model, action)
    if scope.is_global and Role.ORG_ADMIN in rule.all_roles:
        return True
    if scope.covers(organization, rule.roles):
        return True
    me = scope.person
    if rule.own and me is not None and person is not None and person.pk == me.pk:
        if rule.own_anywhere or scope.covers(organization, rule.own):
            return True
    if rule.linked and me is not None and scope.covers(organization, rule.linked):
        return organization.pk in scope.linked_org_ids()
    return False


def may(user, action, model):
    """Whether ``user`` holds, anywhere, a role that can take ``action`` on ``model``."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = Scope.of(user)
    rule = access(model, action)
    if scope.is_global and Role.ORG_ADMIN in rule.all_roles:
        return True
    if scope.paths(rule.roles):
        return True
    if scope.person is not None and (scope.paths(rule.own) or scope.paths(rule.linked)):
        return True
    return bool(rule.own_anywhere and rule.own and scope.person is not None)


def table():
    """The whole policy as rows (model, action, roles, own, linked), for documentation and tests."""
    labels = dict(Role.choices)
    rows = []
    for model, policy in sorted(_POLICIES.items(), key=lambda kv: kv[0]._meta.label):
        for action, rule in policy.actions.items():
            rows.append((model._meta.label, action, sorted(labels[r] for r in rule.roles),
                         sorted(labels[r] for r in rule.own), sorted(labels[r] for r in rule.linked)))
    return rows


set_policy(visible_q)  # every Model.objects.visible_to() asks visible_q from now on


# ----- the audit trail's own policy (the audit app sits below this one) ---------------------------
def _audit_reach(paths):
    """An event is in scope when it was filed at an organization in scope, or touched one (an import)."""
    from django.db.models import Exists, OuterRef

    from dangjian.audit.models import AuditObject

    return subtrees_q(paths, "organization__path") | Exists(
        AuditObject.objects.filter(subtrees_q(paths, "organization__path"), event=OuterRef("pk")))


def _own_actions(user, scope, action):
    return Q(actor=user) if action == "view" else Q(pk__in=[])


def _login_history(user, scope, action):
    """The login history: an audit administrator's accounts (those granted in their subtrees) and the
    failures no account owns (a name that does not exist); the whole of it for a superuser."""
    if action != "view_logins":
        return Q(pk__in=[])
    logins = Q(action__in=LOGIN_ACTIONS)
    if scope.is_global:
        return logins
    paths = scope.paths(AUDITORS)
    if not paths:
        return Q(pk__in=[])
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from .models import RoleGrant

    users = RoleGrant.objects.filter(subtrees_q(paths, "organization__path")).values(
        uid=Cast("user_id", CharField()))
    return logins & (Q(object_type="auth.user", object_id__in=users) | Q(object_id=""))


def _declare_audit():
    from dangjian.audit.models import AuditEvent

    declare(AuditEvent, reach=_audit_reach, actions={
        "view": Access(READERS | AUDITORS),
        # Through the extra rule only (log-ins are filed at no organization): the roles name who.
        "view_logins": Access(AUDITORS),
    }, extra=[_own_actions, _login_history])


_declare_audit()
