"""The problem ledger's rules, one home for the import and the services.

CONTRACT §2: 办结日期 is required exactly when 状态 is 已办结, and not before 发现日期.
"""

from .models import ProblemStatus

DESCRIPTION_MAX = 10000
DONE_WITHOUT_DATE = "状态为“已办结”时必须填写办结日期"
DATE_WITHOUT_DONE = "只有“已办结”的问题才能填写办结日期"
DONE_BEFORE_FOUND = "办结日期早于发现日期"


def completion_errors(status, found_on, completed_on, date_unreadable=False):
    """The messages, for the 办结日期 column, of a ledger entry's status and dates (None: not given).

    ``date_unreadable``: the 办结日期 given could not be read (and is reported as such), so it is not missing.
    """
    errors = []
    if status == ProblemStatus.DONE and completed_on is None and not date_unreadable:
        errors.append(DONE_WITHOUT_DATE)
    if status is not None and status != ProblemStatus.DONE and completed_on is not None:
        errors.append(DATE_WITHOUT_DONE)
    if completed_on and found_on and completed_on < found_on:
        errors.append(DONE_BEFORE_FOUND)
    return errors
