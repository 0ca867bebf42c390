"""The login lockout (django-axes) by account and by address.

Axes compares one count with one limit. Spraying, a few guesses at each of many accounts
from one address, stays under any per-account limit, so the handler counts two things in
the cool-off window: wrong passwords for this username from this address
(``AXES_FAILURE_LIMIT``) and wrong passwords from this address whatever the username
(``DANGJIAN_ADDRESS_FAILURES``). Either over its limit locks. A successful login clears
only that account's count, so one known password does not wash an address clean.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum


def address_behind_proxy(request):
    """The client's address as the front server saw it: the last X-Forwarded-For entry it added."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")


class AccountAndAddressLockout(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        recent = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        counts = recent.aggregate(address=Sum("failures_since_start"),
                                  account=Sum("failures_since_start", filter=Q(username=username)))
        account, address = counts["account"] or 0, counts["address"] or 0
        if address >= settings.DANGJIAN_ADDRESS_FAILURES:
            return max(account, get_failure_limit(request, credentials))
        return account
