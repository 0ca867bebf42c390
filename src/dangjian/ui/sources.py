"""Where each kind of picker gets its records: apps register a dotted path from their ``ready()``.

Kept apart from ``ui.pickers`` (forms, widgets) so that registering costs nothing when a
command starts: the source is imported with the first page that picks one.
"""

_SOURCES = {}


def register_source(name, dotted_path):
    """Make ``/autocomplete/<name>/`` and the pickers of that name offer the records of ``dotted_path``'s source."""
    _SOURCES[name] = dotted_path


def registered():
    return dict(_SOURCES)
