"""A user's place in the tree: the roles they hold and the subtrees each covers.

A role granted at an organization holds for its whole subtree (as Wagtail's page
permissions do). Where grants come from is open: :func:`register_grant_source` adds
a source beside the role grants (a supervision group's assigned units, next).
What each role may do to which record is the policy's (:mod:`dangjian.accounts.policy`);
this module only answers "where does this user hold which role".
"""

from functools import cached_property

from django.db.models import Q

from .models import Role

READ_ROLES = frozenset({Role.ORG_ADMIN, Role.LEADER, Role.BRANCH_SECRETARY, Role.INSPECTOR})


def subtrees_q(paths, field="path"):
    """A Q selecting rows whose organization path (``field``) lies under one of ``paths``."""
    from dangjian.orgs.queries import subtree_q

    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, field)
    return q


def _role_grants(user):
    return [(g.role, g.organization) for g in user.grants.select_related("organization")]


_GRANT_SOURCES = [_role_grants]


def register_grant_source(source):
    """Add ``source(user) -> [(role, organization)]`` to where a user's roles come from."""
    if source not in _GRANT_SOURCES:
        _GRANT_SOURCES.append(source)


def grants_over(org, roles=None):
    """The role grants whose subtree holds ``org`` (who, in the accounts, sees or keeps it), nearest first."""
    from dangjian.orgs.models import Organization

    from .models import RoleGrant

    step = Organization.steplen
    paths = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
    grants = RoleGrant.objects.filter(organization__path__in=paths).select_related("user", "organization")
    if roles is not None:
        grants = grants.filter(role__in=roles)
    return grants.order_by("-organization__depth", "user__username")


_LINKED_SOURCE = None


def register_linked_source(source):
    """Install ``source(person, day) -> organization ids`` the person links on ``day`` (the policy's ``linked``)."""
    global _LINKED_SOURCE
    _LINKED_SOURCE = source


class Scope:
    """The grants of one user, computed once per request (``Scope.of(request.user)``)."""

    def __init__(self, user):
        self.user = user

    @classmethod
    def of(cls, user):
        cached = getattr(user, "_dangjian_scope", None)
        if cached is None:
            cached = cls(user)
            if getattr(user, "is_authenticated", False):
                user._dangjian_scope = cached
        return cached

    @cached_property
    def is_global(self):
        return bool(getattr(self.user, "is_superuser", False)) and self.user.is_active

    @cached_property
    def grants(self):
        """[(role, organization)] from every grant source."""
        if not getattr(self.user, "is_authenticated", False) or not self.user.is_active:
            return []
        return [g for source in _GRANT_SOURCES for g in source(self.user)]

    @cached_property
    def person(self):
        profile = getattr(self.user, "profile", None) if getattr(self.user, "is_authenticated", False) else None
        return profile.person if profile else None

    def roles(self):
        return {role for role, _ in self.grants} | ({Role.ORG_ADMIN} if self.is_global else set())

    def has_role(self, *roles):
        return bool(self.roles() & set(roles))

    def roots(self, roles=READ_ROLES):
        """[(path, pk)] of the organizations where the user holds one of ``roles``, none nested in another."""
        found = sorted({(org.path, org.pk) for role, org in self.grants if role in roles})
        roots = []
        for path, pk in found:
            if not any(path.startswith(r[0]) for r in roots):
                roots.append((path, pk))
        return roots

    def paths(self, roles):
        return [path for path, _ in self.roots(roles)]

    @cached_property
    def root_orgs(self):
        """Every organization the user's scope starts from (the top ones for a superuser)."""
        from dangjian.orgs.models import Organization

        if self.is_global:
            return list(Organization.objects.filter(depth=1))
        return list(Organization.objects.filter(pk__in=[pk for _, pk in self.roots()]).order_by("path"))

    def page_roots(self, code=None):
        """The organizations a page (dashboard, check, API) covers.

        ``code`` (the page's ?org=): that organization, when the user may see it, else
        LookupError. Without it, every root of the user's scope (a user with roles in two
        banners sees both); None for a superuser over a tree with several tops (the whole tree).
        """
        from dangjian.orgs.models import Organization

        if code:
            org = Organization.objects.visible_to(self.user).filter(code=code).first()
            if org is None:
                raise LookupError(code)
            return [org]
        if self.is_global and len(self.root_orgs) != 1:
            return None
        return self.root_orgs

    def q(self, field="path", roles=READ_ROLES):
        """A Q selecting rows whose organization path (``field``) lies inside the scope of ``roles``."""
        if self.is_global and Role.ORG_ADMIN in roles:
            return Q()
        return subtrees_q(self.paths(roles), field)

    def covers(self, org, roles):
        if self.is_global and Role.ORG_ADMIN in roles:
            return True
        return any(org.path.startswith(path) for path in self.paths(roles))

    def linked_org_ids(self):
        """The organizations the user's own person links today (a team member keeps their ledger).

        Asked of the registered link source (contacts registers it: links are its records),
        once per request.
        """
        if self.person is None or _LINKED_SOURCE is None:
            return set()
        if not hasattr(self, "_linked"):
            from django.utils import timezone

            self._linked = set(_LINKED_SOURCE(self.person, timezone.localdate()))
        return self._linked

    # ----- imports: where a banner administrator's workbook may reach ---------------
    @property
    def import_within(self):
        """The subtrees an import by this user may touch (None: all)."""
        return None if self.is_global else self.paths({Role.ORG_ADMIN})

    @property
    def import_root(self):
        """The organization an import by this user is filed under in the audit trail (None: the whole tree)."""
        from dangjian.orgs.models import Organization

        if self.is_global:
            return None
        roots = self.roots({Role.ORG_ADMIN})
        return Organization.objects.filter(pk=roots[0][1]).first() if len(roots) == 1 else None

    @property
    def import_label(self):
        if self.is_global:
            return ""
        ids = {pk for _, pk in self.roots({Role.ORG_ADMIN})}
        names = {org.pk: org.name for role, org in self.grants if role == Role.ORG_ADMIN and org.pk in ids}
        return "、".join(names.values())
