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


def active_on(day, prefix=""):
    """A Q for records whose tenure (start_date … end_date, blank = open) holds on ``day``."""
    return ((Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day}))
            & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})))


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
