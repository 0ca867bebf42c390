"""Small, explicit builders for test data, straight through the ORM."""

from datetime import date

from dangjian.contacts.models import Activity, ContactLink
from dangjian.orgs.models import Organization, TierRating
from dangjian.people.models import Person, Post
from dangjian.problems.models import Problem

KINDS = {"党委": "party_committee", "党组": "leading_group", "党工委": "working_committee",
         "党总支": "general_branch", "党支部": "branch"}
TIERS = {"先进": "advanced", "中间": "middle", "后进": "lagging"}
ROLES = {"书记": "secretary", "副书记": "deputy", "委员": "member"}
LINKS = {"联系点": "contact_point", "联系支部": "branch_link"}


def d(text):
    return date.fromisoformat(text) if isinstance(text, str) else text


class Tree:
    def __init__(self):
        self.orgs = {}
        self.people = {}

    def org(self, code, parent=None, kind="党支部", name=None, domain=None, tiers=()):
        """tiers: [(tier, date-or-None), …]"""
        fields = dict(code=code, name=name or f"组织{code}", kind=KINDS[kind],
                      domain=domain if domain is not None else ("village" if kind == "党支部" else ""))
        if parent is None:
            node = Organization.objects.add_root(fields)
        else:
            node = Organization.objects.add_child(Organization.objects.get(pk=self.orgs[parent].pk), fields)
        self.orgs[code] = node
        for tier, when in tiers:
            TierRating.objects.create(organization=node, tier=TIERS[tier], rated_on=d(when))
        return node

    def person(self, code, name=None):
        if code not in self.people:
            self.people[code] = Person.objects.create(code=code, name=name or f"人员{code}")
        return self.people[code]

    def post(self, person, org, role="委员", start=None, end=None):
        return Post.objects.create(person=self.person(person), organization=self.orgs[org], role=ROLES[role],
                                   start_date=d(start), end_date=d(end))

    def link(self, person, org, kind="联系点", start=None, end=None):
        return ContactLink.objects.create(person=self.person(person), organization=self.orgs[org],
                                          kind=LINKS[kind], start_date=d(start), end_date=d(end))

    def visit(self, person, org, when, kind="research", content=""):
        return Activity.objects.create(person=self.person(person), organization=self.orgs[org], date=d(when),
                                       kind=kind, content=content)

    def problem(self, code, org, category, status="pending", found="2026-01-01", done=None):
        return Problem.objects.create(code=code, organization=self.orgs[org], category=category,
                                      description=category, found_on=d(found), status=status,
                                      completed_on=d(done))
