"""Rules of contact links and activities, one home for the import and the services."""

from django.utils.translation import gettext_noop

CONTENT_MAX = 10000  # 活动 内容: the import and the pages allow the same length
LINK_END_BEFORE_START = gettext_noop("结束日期早于开始日期")
