"""Changing an organization's kind: one with organizations under it cannot become a 党支部."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from dangjian.orgs.models import OrgKind
from dangjian.orgs.services import change_organization
from tests.builders import Tree

pytestmark = pytest.mark.django_db


def test_an_organization_with_children_cannot_become_a_branch_and_a_leaf_can():
    tree = Tree()
    tree.org("R", kind="党委")
    parent = tree.org("G", parent="R", kind="党总支")
    tree.org("B", parent="G")
    leaf = tree.org("G2", parent="R", kind="党总支")
    admin = get_user_model().objects.create(username="root", is_superuser=True, is_staff=True)
    parent.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        change_organization(admin, parent, parent.name, OrgKind.BRANCH, domain="village")
    assert [e.code for e in refused.value.error_dict["kind"]] == ["has_children"]
    parent.refresh_from_db()
    assert parent.kind != OrgKind.BRANCH
    leaf.refresh_from_db()
    assert change_organization(admin, leaf, leaf.name, OrgKind.BRANCH, domain="village").kind == OrgKind.BRANCH
