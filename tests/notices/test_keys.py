"""Notices keep their person and organization without database constraints (a sweep writes thousands):
deleting the person or the organization still takes their notices with them, through Django."""

import pytest

from dangjian.notices.models import Notice
from dangjian.notices.services import notify
from dangjian.people.models import Person
from tests.builders import Tree

pytestmark = pytest.mark.django_db


def test_deleting_a_person_or_an_organization_deletes_their_notices():
    tree = Tree()
    unit = tree.org("R", kind="党委")
    other = tree.org("R2", kind="党委")
    gone, stays = Person.objects.create(code="P1", name="张三"), Person.objects.create(code="P2", name="李四")
    notify([(gone.pk, other.pk, "k", "给张三", {}, ""), (stays.pk, unit.pk, "k", "给李四", {}, ""),
            (stays.pk, other.pk, "k", "关于 R2", {}, "")])
    gone.delete()
    assert sorted(Notice.objects.values_list("text", flat=True)) == ["关于 R2", "给李四"]
    other.delete()
    assert list(Notice.objects.values_list("text", flat=True)) == ["给李四"]
