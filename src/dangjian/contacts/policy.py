"""Links and visits: the department keeps anyone's in its scope; leaders and branch secretaries their own.

「帮忙不包办、到位不越位」: a leader records their own visits; nobody else's.
"""

from django.db.models import Exists, OuterRef

from dangjian.accounts.models import Role
from dangjian.accounts.policy import ADMIN, READERS, Access, declare
from dangjian.accounts.scope import register_linked_source, subtrees_q
from dangjian.people.models import Person
from dangjian.people.queries import register_tie

from .models import Activity, ActivityPhoto, ContactLink

OWN_KEEPERS = frozenset({Role.LEADER, Role.BRANCH_SECRETARY})


def _through_links(paths):
    return Exists(ContactLink.objects.filter(subtrees_q(paths, "organization__path"), person=OuterRef("pk")))


declare(Person, reach=_through_links, actions={})  # a person linked to a branch in scope is in scope too

_KEPT = {
    "view": Access(READERS, own=READERS, own_anywhere=True),
    "add": Access(ADMIN, own=OWN_KEEPERS),
    "change": Access(ADMIN, own=OWN_KEEPERS),
}
declare(ContactLink, reach="organization__path", owner="person", actions=_KEPT)
declare(Activity, reach="organization__path", owner="person", actions=_KEPT)
# A photo is the activity's: whoever sees the activity sees its photos, nobody else.
declare(ActivityPhoto, reach="activity__organization__path", owner="activity__person", actions={
    "view": Access(READERS, own=READERS, own_anywhere=True),
})


def _linked_orgs(person, day):
    return ContactLink.objects.filter(person=person).active_on(day).values_list("organization_id", flat=True)


register_linked_source(_linked_orgs)
register_tie(ContactLink)  # a person linked to a branch is tied to the tree there, as by a post  # the policy's "linked" access: the organizations a person links today
