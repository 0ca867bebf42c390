"""The ``dangjian`` console script.

It is Django's ``manage.py`` with the contract's commands (CONTRACT §1) in front.
``dangjian check`` is the rule check of CONTRACT §3; Django's own system check stays
reachable as ``dangjian systemcheck``.
"""

import gc
import os
import sys

# The contract's names for commands whose Django name differs.
ALIASES = {"check": "checkrules", "systemcheck": "check", "import": "importbook",
           "rotate-data-key": "rotate_data_key"}


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    argv[0] = "dangjian"
    # The name typed (`check`) is the one usage errors and --help show, not Django's (`checkrules`).
    typed = argv[2] if len(argv) > 2 and argv[1] == "help" else (argv[1] if len(argv) > 1 else "")
    # Start-up (Django, the apps, their models) makes some 100,000 objects that live as long
    # as the process: the cyclic collector has nothing to find among them, and sweeping them
    # again and again was 0.06 s of every command's 0.3 s start-up. Collect after it, not during.
    gc.disable()
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line

        try:
            django.setup()
        except ImproperlyConfigured as exc:  # production without its data key …: a sentence, not a traceback
            sys.stderr.write(f"dangjian：{exc}\n")
            sys.exit(2)
    finally:
        gc.enable()
    gc.freeze()
    if typed not in ALIASES:
        execute_from_command_line(argv)
        return
    from django.core.management import ManagementUtility

    command = ManagementUtility(argv).fetch_command(ALIASES[typed])
    if argv[1] == "help":
        command.print_help("dangjian", typed)
    else:
        command.run_from_argv(["dangjian", typed, *argv[2:]])


if __name__ == "__main__":
    main()
