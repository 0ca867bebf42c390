"""The person page checks only the subtree of the person's posts (people/views.py).

That is a speed-up, not a change of meaning: for every person of every drawn world
(tests/compliance/test_rules_property.py), the check narrowed to ``posts_subtree`` finds exactly
the violations of the check over the whole tree.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from dangjian.compliance.rules import run_check
from dangjian.people.models import Person
from dangjian.people.queries import posts_subtree
from tests.compliance.test_rules_property import AS_OF, Rollback, build, worlds


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(example=worlds())
@pytest.mark.django_db
def test_the_posts_subtree_finds_every_violation_of_the_person(example):
    world, _, visit_days = example
    pairs = []
    try:
        with transaction.atomic():
            build(world)
            for person in Person.objects.order_by("code"):
                whole = run_check(as_of=AS_OF, person=person, visit_days=visit_days)
                narrow = run_check(as_of=AS_OF, person=person, scope=posts_subtree(person), visit_days=visit_days)
                pairs.append(([v.as_json() for v in whole.violations], [v.as_json() for v in narrow.violations]))
            raise Rollback
    except Rollback:
        pass
    for whole, narrow in pairs:
        assert narrow == whole
