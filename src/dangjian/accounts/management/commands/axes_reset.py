from axes.management.commands import axes_reset

from ._axes import audited_reset


class Command(axes_reset.Command):
    handle = audited_reset(axes_reset.Command.handle)
