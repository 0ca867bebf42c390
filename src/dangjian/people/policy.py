"""Persons reach the tree through their posts (and, as contacts declares, their links); posts through their unit."""

from django.db.models import Exists, OuterRef

from dangjian.accounts.policy import ADMIN, READERS, Access, declare
from dangjian.accounts.scope import subtrees_q

from .models import Person, Post


def _through_posts(paths):
    # Any post, ended ones too: a person who served here stays on this department's books.
    return Exists(Post.objects.filter(subtrees_q(paths, "organization__path"), person=OuterRef("pk")))


declare(Person, reach=_through_posts, owner="pk", actions={
    "view": Access(READERS, own=READERS, own_anywhere=True),  # everyone reads their own record
    "change": Access(ADMIN),
    "reveal": Access(ADMIN),  # the full 身份证号 and 手机号
})
declare(Post, reach="organization__path", owner="person", actions={
    "view": Access(READERS, own=READERS, own_anywhere=True),
    "add": Access(ADMIN),
    "change": Access(ADMIN),
})
