"""Django settings for dangjian.

The database comes from ``DATABASE_URL`` (``sqlite:///PATH`` or ``postgres://…``);
without it, ``dangjian.sqlite3`` in the working folder. SQLite runs in WAL mode with
IMMEDIATE transactions so that readers never block the writer and writers queue
instead of failing with "database is locked".
"""

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dangjian-insecure-dev-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "dangjian.ui",
    "dangjian.web",
    "dangjian.accounts",
    "dangjian.audit",
    "dangjian.orgs",
    "dangjian.people",
    "dangjian.contacts",
    "dangjian.problems",
    "dangjian.compliance",
    "dangjian.imports",
    # After the project's apps: accounts' axes_reset_logs & co. (kept to the retention period,
    # audited) take the place of axes' own.
    "axes",
]

MIDDLEWARE = [
    "dangjian.ui.timing.ServerTiming",  # first: its duration covers every other middleware
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.ui.middleware.ChosenLanguage",  # Chinese, or English chosen with the switcher
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.audit.context.RequestIdMiddleware",  # ties the audit events of one request together
    "dangjian.ui.middleware.PagesRequireLogin",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout after repeated failures (django-axes): 5 wrong passwords lock that
# username from that address for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DANGJIAN_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The audit and the login history are kept, untouchable, at least this long (等保: six months);
# `dangjian audit purge` deletes only what is older.
DANGJIAN_AUDIT_RETENTION_DAYS = int(os.environ.get("DANGJIAN_AUDIT_RETENTION_DAYS", "180"))

# Sessions end after 8 idle hours (a working day) and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("DANGJIAN_SESSION_SECONDS", str(8 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

ROOT_URLCONF = "dangjian.urls"

# django-ninja's bundled Swagger UI (its template and static files), so /api/docs works on an
# intranet without internet. Found without importing ninja: as an installed app it would
# load pydantic into every `dangjian` process, 0.1 s on each command's start-up.
NINJA_FILES = Path(find_spec("ninja").submodule_search_locations[0])

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [NINJA_FILES / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.web.context.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "dangjian.wsgi.application"

_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA cache_size=-65536;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA mmap_size=268435456;"
    ),
}


def _database_from_env():
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + str(Path.cwd() / "dangjian.sqlite3")
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**_SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        if config["NAME"] in ("", ":memory:"):
            config["NAME"] = str(Path.cwd() / "dangjian.sqlite3")
    return config


DATABASES = {"default": _database_from_env()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]


def _machine_time_zone():
    """The machine's own zone, so that "today" means the same here as for the server's other programs."""
    if os.environ.get("TZ", "").strip(":"):
        return os.environ["TZ"].strip(":")
    try:
        link = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


TIME_ZONE = os.environ.get("DANGJIAN_TIME_ZONE") or _machine_time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DANGJIAN_STATIC_ROOT") or None  # collectstatic target, for a front server
STATICFILES_DIRS = [NINJA_FILES / "static"]  # /static/ninja/…: the API docs' Swagger UI
# Static files are served from the package itself (no collectstatic needed to run).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("DANGJIAN_MEDIA_ROOT", str(Path.cwd() / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

# django-tasks: background jobs (the browser's imports) stored in the database, no Redis;
# `dangjian db_worker` runs them (`dangjian demo` starts one beside its web server).
# DANGJIAN_TASKS=immediate runs each job inside the request that asks for it instead.
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[os.environ.get("DANGJIAN_TASKS", "database")]}}

# Rule defaults (CONTRACT §3).
DANGJIAN_VISIT_DAYS = 90

# Errors (with their tracebacks) go to standard error whatever DEBUG says, so an operator
# can diagnose a 500 from the server's log; our own modules log warnings too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "dangjian": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
