import pytest

from tests.builders import Tree


@pytest.fixture
def tree(db):
    """A builder for small organization trees with people, posts, links and visits."""
    return Tree()
