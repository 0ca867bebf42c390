"""The one choke point for who may see and change what.

A role granted at an organization holds for its whole subtree (as Wagtail's page
permissions do). Reads go through :meth:`Scope.filter`; an object outside the scope
is simply not in the queryset, so views answer 404, never 403, and nothing leaks.
Supervisors (督查) read across their scope and write only findings.
"""

from functools import cached_property

from django.db.models import Exists, OuterRef, Q

from dangjian.orgs.models import Organization
from dangjian.orgs.queries import subtree_q

from .models import Role

READ_ROLES = {Role.ORG_ADMIN, Role.LEADER, Role.BRANCH_SECRETARY, Role.INSPECTOR}
PROBLEM_ROLES = {Role.ORG_ADMIN, Role.LEADER, Role.BRANCH_SECRETARY}  # who keeps the livelihood-problem ledger


def subtrees_q(paths, field="path"):
    """A Q selecting rows whose organization path (``field``) lies under one of ``paths``."""
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, field)
    return q


class Scope:
    def __init__(self, user):
        self.user = user

    @classmethod
    def of(cls, user):
        """The scope of a request's user, computed once per request."""
        cached = getattr(user, "_dangjian_scope", None)
        if cached is None:
            cached = cls(user)
            if getattr(user, "is_authenticated", False):
                user._dangjian_scope = cached
        return cached

    @cached_property
    def is_global(self):
        return bool(getattr(self.user, "is_superuser", False))

    @cached_property
    def grants(self):
        if not getattr(self.user, "is_authenticated", False):
            return []
        return list(self.user.grants.select_related("organization"))

    @cached_property
    def person(self):
        profile = getattr(self.user, "profile", None) if getattr(self.user, "is_authenticated", False) else None
        return profile.person if profile else None

    def roles(self):
        return {g.role for g in self.grants} | ({Role.ORG_ADMIN} if self.is_global else set())

    def roots(self, roles=READ_ROLES):
        """Organizations at which the user holds one of ``roles``, without ones nested in another."""
        paths = sorted({(g.organization.path, g.organization.pk) for g in self.grants if g.role in roles})
        roots = []
        for path, pk in paths:
            if not any(path.startswith(r[0]) for r in roots):
                roots.append((path, pk))
        return roots

    @cached_property
    def root_orgs(self):
        if self.is_global:
            return list(Organization.objects.filter(depth=1))
        ids = [pk for _, pk in self.roots()]
        return list(Organization.objects.filter(pk__in=ids).order_by("path"))

    def q(self, field="path", roles=READ_ROLES):
        """A Q selecting rows whose organization path (``field``) lies inside the scope."""
        if self.is_global and Role.ORG_ADMIN in roles:
            return Q()
        return subtrees_q([path for path, _ in self.roots(roles)], field)

    def filter(self, queryset, field=None, roles=READ_ROLES):
        field = field or getattr(queryset.model, "scope_path", "organization__path")
        return queryset.filter(self.q(field, roles))

    def people(self, queryset=None):
        """Persons holding a post in, or linked to, an organization in scope."""
        from dangjian.contacts.models import ContactLink
        from dangjian.people.models import Person, Post

        queryset = queryset if queryset is not None else Person.objects.all()
        if self.is_global:
            return queryset
        in_scope_post = Post.objects.filter(self.q("organization__path"), person=OuterRef("pk"))
        in_scope_link = ContactLink.objects.filter(self.q("organization__path"), person=OuterRef("pk"))
        own = Q(pk=self.person.pk) if self.person else Q(pk__in=[])
        return queryset.filter(Exists(in_scope_post) | Exists(in_scope_link) | own)

    # ----- writes ------------------------------------------------------------------
    def covers(self, org, roles):
        if self.is_global and Role.ORG_ADMIN in roles:
            return True
        return any(org.path.startswith(path) for path, _ in self.roots(roles))

    def can_manage(self, org):
        """Organization-department administrators manage every record in their scope."""
        return self.covers(org, {Role.ORG_ADMIN})

    def can_edit_link(self, person, org):
        """Links and visits: administrators for anyone in scope; leaders for themselves."""
        if self.can_manage(org):
            return True
        return (self.person is not None and person.pk == self.person.pk
                and self.covers(org, {Role.LEADER, Role.BRANCH_SECRETARY}))

    def may_set_up_links(self, person=None):
        """Whether :meth:`can_edit_link` holds for ``person`` (None: for someone) at some organization.

        Administrators may for anyone in their scope; leaders and branch secretaries for
        themselves; supervisors, and accounts without a person, never.
        """
        if self.is_global or self.roots({Role.ORG_ADMIN}):
            return True
        if self.person is None or (person is not None and person.pk != self.person.pk):
            return False
        return bool(self.roots({Role.LEADER, Role.BRANCH_SECRETARY}))

    def can_log_problem(self, org):
        return self.covers(org, PROBLEM_ROLES)

    @property
    def may_log_problems(self):
        """Whether :meth:`can_log_problem` holds somewhere (supervisors read the ledger, never keep it)."""
        return self.is_global or bool(self.roots(PROBLEM_ROLES))

    def can_write_finding(self, org):
        return self.covers(org, {Role.ORG_ADMIN, Role.INSPECTOR})

    @property
    def can_import(self):
        return self.is_global or any(g.role == Role.ORG_ADMIN for g in self.grants)

    @property
    def import_within(self):
        """The subtrees an import by this user may touch, as the importer takes them (None: all)."""
        if self.is_global:
            return None
        return [path for path, _ in self.roots({Role.ORG_ADMIN})]

    @property
    def import_root(self):
        """The organization an import by this user is filed under in the audit trail (None: the whole tree)."""
        if self.is_global:
            return None
        roots = self.roots({Role.ORG_ADMIN})
        return Organization.objects.filter(pk=roots[0][1]).first() if len(roots) == 1 else None

    @property
    def import_label(self):
        if self.is_global:
            return ""
        ids = {pk for _, pk in self.roots({Role.ORG_ADMIN})}
        names = {g.organization.pk: g.organization.name for g in self.grants
                 if g.role == Role.ORG_ADMIN and g.organization.pk in ids}
        return "、".join(names.values())
