from axes.management.commands import axes_reset_ip

from ._axes import audited_reset


class Command(axes_reset_ip.Command):
    handle = audited_reset(axes_reset_ip.Command.handle)
