"""Who answers for an organization: 「书记抓书记、一级抓一级」, the reverse of the scope.

The scope goes down the tree (a role at a node covers its subtree); responsibility goes
up: the posts in the committees above a node, nearest first, say who must act when
something there fails (hold the reminder talk, approve the rectification). The
ancestors of a node are the prefixes of its path, so "above" is ``path IN (…)`` on the
path index, on both databases, whatever the depth.
"""

import os

from django.db.models import Case, IntegerField, Q, Value, When

from dangjian.orgs.models import COMMITTEE_KINDS, Organization
from dangjian.records.tenure import active_q
from dangjian.workbook.bulk import among

from .models import Post, PostRole

ROLE_ORDER = Case(When(role=PostRole.SECRETARY, then=Value(0)), When(role=PostRole.DEPUTY, then=Value(1)),
                  default=Value(2), output_field=IntegerField())


_TIES = [Post]  # the records that tie a person to the tree: posts here, contact links (contacts registers them)


def register_tie(model):
    """Count ``model`` (with ``person`` and ``organization``) among the records that tie a person to the tree."""
    if model not in _TIES:
        _TIES.append(model)


def ties():
    return list(_TIES)


def ancestor_paths(path, include_self=True):
    """The paths of a node's ancestors, top first (and its own last, unless ``include_self`` is false)."""
    step = Organization.steplen
    end = len(path) + 1 if include_self else len(path)
    return [path[:i] for i in range(step, end, step)]


active_on = active_q  # the kit's dated tenure (records.tenure): rows active on a day


def responsible_for(org, day, include_self=True):
    """The active posts in committees above ``org`` (and in ``org`` itself), nearest committee first.

    Within one committee: 书记, then 副书记, then 委员, then by 人员编号 (codes compare as
    text, as CONTRACT §5 says).
    """
    return (Post.objects.filter(active_on(day), organization__path__in=ancestor_paths(org.path, include_self),
                                organization__kind__in=COMMITTEE_KINDS)
            .select_related("person", "organization")
            .annotate(role_order=ROLE_ORDER)
            .order_by("-organization__depth", "role_order", "person__code"))


def secretary_of(committee, day):
    """The secretary of a committee on ``day``: the lowest 人员编号 holding an active 书记 post there."""
    return (Post.objects.filter(active_on(day), organization=committee, role=PostRole.SECRETARY)
            .select_related("person").order_by("person__code").first())


def secretaries_above(org, day, include_self=True):
    """[(committee, secretary post)] from ``org`` upwards, nearest first; committees without one are passed over."""
    seen, found = set(), []
    for post in responsible_for(org, day, include_self).filter(role=PostRole.SECRETARY):
        if post.organization_id not in seen:
            seen.add(post.organization_id)
            found.append((post.organization, post))
    return found


def posts_subtree(person):
    """The smallest subtree holding every organization where ``person`` holds (or held) a post.

    Every rule checked for one person starts from that person's posts in committees and
    reaches only the branches below them, so a check of this subtree finds exactly the
    violations a check of the whole tree finds, at the cost of a banner instead of the
    province (the lagging-branch set is computed for the scope). None: the whole tree.
    """
    paths = list(person.posts.values_list("organization__path", flat=True))
    common = os.path.commonprefix(paths) if paths else ""
    common = common[:len(common) - len(common) % Organization.steplen]
    return Organization.objects.filter(path=common).first() if common else None


class Chain:
    """The responsibility chain of a whole tree on one day, from one query: the set-based
    ``responsible_for`` / ``secretary_of`` / ``secretaries_above`` for thousands of cases at once.

    Built from every post active on ``day`` in a committee (党委/党组/党工委); everything after
    that is dictionary look-ups, and "above" walks the prefixes of a path. Codes compare as
    text (Python's order of code points, the same on both databases), never by the
    database's collation.
    """

    def __init__(self, day, rows):
        self.day = day
        self.leaders = set()  # persons holding an active committee post: the responsible leaders
        self.secretary_posts = set()  # (person id, committee id)
        self.committees = {}  # committee id -> path
        self._principal = {}  # person id -> (sort key, committee id, role)
        self._secretary = {}  # committee path -> (person code, person id): the lowest 人员编号
        order = {PostRole.SECRETARY: 0, PostRole.DEPUTY: 1, PostRole.MEMBER: 2}
        for person_id, person_code, org_id, org_code, org_path, role in rows:
            self.leaders.add(person_id)
            self.committees[org_id] = org_path
            # The principal post: the committee with the fewest ancestors, then 书记 · 副书记 · 委员,
            # then the lowest 组织编码.
            rank = (len(org_path), order[role], org_code)
            best = self._principal.get(person_id)
            if best is None or rank < best[0]:
                self._principal[person_id] = (rank, org_id, role)
            if role == PostRole.SECRETARY:
                self.secretary_posts.add((person_id, org_id))
                found = self._secretary.get(org_path)
                if found is None or person_code < found[0]:
                    self._secretary[org_path] = (person_code, person_id)

    @classmethod
    def on(cls, day, persons=None):
        """The chain of ``day``. With ``persons`` (ids), only their posts and every secretary's are read:
        ``leaders``, ``principal`` and the posts held are then known for those persons alone, the
        secretaries of every committee in full (what a sweep needs for its cases' persons)."""
        posts = Post.objects.filter(active_on(day), organization__kind__in=COMMITTEE_KINDS)
        if persons is not None:
            posts = posts.filter(Q(role=PostRole.SECRETARY) | Q(among(f"{Post._meta.db_table}.person_id", persons)))
        rows = posts.values_list("person_id", "person__code", "organization_id", "organization__code",
                                 "organization__path", "role").order_by()
        return cls(day, list(rows))

    def principal(self, person_id):
        """(committee id, committee path, role) of the person's principal post, or None."""
        found = self._principal.get(person_id)
        if found is None:
            return None
        _, org_id, role = found
        return org_id, self.committees[org_id], role

    def secretary(self, path):
        """The secretary (person id) of the committee at ``path``, or None."""
        found = self._secretary.get(path)
        return found[1] if found else None

    def secretary_above(self, path, other_than=None):
        """The secretary of the nearest committee strictly above ``path`` whose secretary is not
        ``other_than``; committees without a secretary are passed over. None when there is none."""
        step = Organization.steplen
        for end in range(len(path) - step, 0, -step):
            found = self._secretary.get(path[:end])
            if found is not None and found[1] != other_than:
                return found[1]
        return None
