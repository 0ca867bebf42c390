"""Synthetic data in the workbook format of CONTRACT §2: one builder, two recipes.

- :func:`generate` (``dangjian gen --scale tiny|banner|league|province --seed S OUT``): a
  province, league or banner of realistic shape and size for tests and the benchmark
  (:mod:`.tree` the organization tree, :mod:`.scales` people, posts, links, visits, problems);
- :func:`build_demo` (``dangjian demo``): the page's own figures (DOMAIN §7), :mod:`.demo`.

Both write through one :class:`~.common.Writer`, whose sheets, columns and their order are
those the apps declare (``<app>/sheets.py``), and draw categories, names and numbers from
:mod:`.common`. Each is deterministic for its seed (and as-of day).
"""

from .demo import ACCOUNT_PASSWORD, DemoBook
from .demo import build as build_demo
from .scales import generate
from .tree import SCALES

__all__ = ["ACCOUNT_PASSWORD", "SCALES", "DemoBook", "build_demo", "generate"]
