from axes.management.commands import axes_reset_ip_username

from ._axes import audited_reset


class Command(axes_reset_ip_username.Command):
    handle = audited_reset(axes_reset_ip_username.Command.handle)
