"""The audit's vocabulary, registered by the apps that own it (Wagtail's ``register_action``).

Each app registers the named domain actions its services record ("contact link set up",
"problem completed") and how its fields and stored values read in words, from its own
``actions.py``; the audit app imports no domain app. ``record()`` refuses an action
nobody registered, so a typo cannot write an event the pages cannot name.
"""

# The login history's actions (accounts registers and records them; the audit shows them on their own page).
LOGIN_ACTIONS = ("user logged in", "user login failed", "user logged out")

_ACTIONS = {}  # name -> label (lazy, Chinese msgid)
_FIELDS = {}  # field name -> label
_VALUES = {}  # field name -> {stored value: label}
_NAMERS = {}  # field name -> fn(codes) -> {code: name}: a code stored in an event, shown by its name
_SUMMARIES = {}  # action -> the fields shown on the page of a record the event touched, not its own


def register_action(name, label):
    _ACTIONS[name] = label


def register_actions(actions):
    for name, label in actions.items():
        register_action(name, label)


def register_summary(action, fields):
    """The fields of ``action``'s events worth showing on the page of a record the event touched
    but is not about (a sweep seen from one of its cases: its day, not the whole tree's counts).
    Unregistered: such a page shows the event's name only."""
    _SUMMARIES[action] = tuple(fields)


def summary_fields(action):
    return _SUMMARIES.get(action, ())


def register_fields(fields, values=None):
    """``fields``: {field name: label}; ``values``: {field name: {stored value: label}} (choices)."""
    _FIELDS.update(fields)
    for name, labels in (values or {}).items():
        _VALUES.setdefault(name, {}).update(labels)


def is_registered(name):
    return name in _ACTIONS


def actions():
    return dict(_ACTIONS)


def action_label(name):
    return _ACTIONS.get(name)


def field_label(name):
    return _FIELDS.get(name)


def value_label(field, value):
    return _VALUES.get(field, {}).get(value)


def register_names(namers):
    """``namers``: {field name: fn(set of codes) -> {code: name}}, one query for all the codes a page shows
    (events store a person's or an organization's code, which stays exact when the name changes)."""
    _NAMERS.update(namers)


def names_for(events):
    """{field: {code: name}} for the codes ``events`` hold in the fields with a namer: a query per field."""
    wanted = {}
    for event in events:
        for side in (event.before, event.after):
            if isinstance(side, dict):
                for field, value in side.items():
                    if field in _NAMERS and isinstance(value, str) and value:
                        wanted.setdefault(field, set()).add(value)
    return {field: _NAMERS[field](codes) for field, codes in wanted.items()}


def name_codes(events):
    """``events`` as a list, each given the names of the codes they hold (``event.names``, which
    audit.display.changes reads): a query per kind of code for all of them."""
    events = list(events)
    names = names_for(events)
    for event in events:
        event.names = names
    return events
