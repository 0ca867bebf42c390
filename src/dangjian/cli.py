"""The ``dangjian`` console script.

It is Django's ``manage.py`` with the contract's commands (CONTRACT §1) in front.
``dangjian check`` is the rule check of CONTRACT §3; Django's own system check stays
reachable as ``dangjian systemcheck``.
"""

import gc
import os
import sys

# The contract's names for commands whose Django name differs.
ALIASES = {"check": "checkrules", "systemcheck": "check", "import": "importbook"}


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    if len(argv) > 1 and argv[1] in ALIASES:
        argv[1] = ALIASES[argv[1]]
    argv[0] = "dangjian"
    # Start-up (Django, the apps, their models) makes some 100,000 objects that live as long
    # as the process: the cyclic collector has nothing to find among them, and sweeping them
    # again and again was 0.06 s of every command's 0.3 s start-up. Collect after it, not during.
    gc.disable()
    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
    finally:
        gc.enable()
    gc.freeze()
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
