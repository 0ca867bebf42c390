"""``Server-Timing: app;dur=<ms>`` on every response: the time spent in Django.

Listed first in MIDDLEWARE, so the figure covers every other middleware, the view and
the template rendering (not the WSGI server nor the network). Browsers show it in the
developer tools' network panel; ``bench/pages.py`` reads it to measure server time.
"""

import time


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        ms = (time.perf_counter() - started) * 1000
        # A streaming response is timed up to the start of its body; keep any metric the view set.
        metric = f"app;dur={ms:.1f}"
        existing = response.get("Server-Timing")
        response["Server-Timing"] = f"{existing}, {metric}" if existing else metric
        return response
