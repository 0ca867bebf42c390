from axes.management.commands import axes_reset_username

from ._axes import audited_reset


class Command(axes_reset_username.Command):
    handle = audited_reset(axes_reset_username.Command.handle)
