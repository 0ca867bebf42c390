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

DANGJIAN_PRODUCTION = os.environ.get("DANGJIAN_ENV", "") == "production"

DEV_SECRET_KEY = "dangjian-insecure-dev-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
if DANGJIAN_PRODUCTION and SECRET_KEY in ("", DEV_SECRET_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("生产环境（DANGJIAN_ENV=production）必须设置 DJANGO_SECRET_KEY，且不能用开发用的默认密钥。")
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
    "dangjian.notices",
    "dangjian.contacts",
    "dangjian.problems",
    "dangjian.compliance",
    "dangjian.accountability",
    "dangjian.imports",
    # After the project's apps: accounts' axes_reset_logs & co. (kept to the retention period,
    # audited) take the place of axes' own.
    "axes",
]

MIDDLEWARE = [
    "dangjian.ui.timing.ServerTiming",  # first: its duration covers every other middleware
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.ui.middleware.RefuseNulBytes",  # before anything reads a parameter, the session or the user
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.ui.middleware.ChosenLanguage",  # Chinese, or English chosen with the switcher
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.audit.context.RequestIdMiddleware",  # ties the audit events of one request together
    "dangjian.ui.middleware.PagesRequireLogin",
    "dangjian.accounts.middleware.SessionPolicy",  # absolute lifetime, first-login password change, no-store
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout after repeated failures (django-axes, accounts/lockout.py), for 15 minutes:
# 5 wrong passwords lock that username from that address; 10 wrong passwords from one
# address, whatever the usernames, lock the address (password spraying).
AXES_FAILURE_LIMIT = int(os.environ.get("DANGJIAN_LOGIN_FAILURES", "5"))
DANGJIAN_ADDRESS_FAILURES = int(os.environ.get("DANGJIAN_ADDRESS_FAILURES", "10"))
AXES_HANDLER = "dangjian.accounts.lockout.AccountAndAddressLockout"
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # what a successful login resets
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The audit and the login history are kept, untouchable, at least this long (等保: six months);
# `dangjian audit purge` deletes only what is older.
DANGJIAN_AUDIT_RETENTION_DAYS = int(os.environ.get("DANGJIAN_AUDIT_RETENTION_DAYS", "180"))

# Passwords set through a form or `dangjian changepassword/createsuperuser/adduser`
# (等保 2.0 身份鉴别): at least 8 characters of three of the four classes, not like the
# user's name, not a common password. The demo sets its simple passwords directly.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "dangjian.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "dangjian.accounts.validators.CharacterClassValidator"},
]
# Passwords the demo prints: refused at login in production (accounts/forms.py).
DANGJIAN_DEMO_PASSWORDS = ("admin", "demo1234")

# Sessions end after 8 idle hours (a working day), with the browser, and in any case
# 12 hours after the login (accounts/middleware.py).
SESSION_COOKIE_AGE = int(os.environ.get("DANGJIAN_SESSION_SECONDS", str(8 * 3600)))
DANGJIAN_SESSION_MAX_SECONDS = int(os.environ.get("DANGJIAN_SESSION_MAX_SECONDS", str(12 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# API tokens (`dangjian token`) expire after this many days unless --days says otherwise.
DANGJIAN_TOKEN_DAYS = int(os.environ.get("DANGJIAN_TOKEN_DAYS", "90"))

# HTTPS (the README's production section): on by default in production, each
# variable able to turn its part off. Behind a front server that ends TLS, it says so with
# X-Forwarded-Proto (DANGJIAN_BEHIND_PROXY=1).
def _flag(name, default):
    return os.environ.get(name, "1" if default else "0") == "1"


SECURE_SSL_REDIRECT = _flag("DANGJIAN_SSL_REDIRECT", DANGJIAN_PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("DANGJIAN_SECURE_COOKIES", DANGJIAN_PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("DANGJIAN_HSTS_SECONDS", "31536000" if DANGJIAN_PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DANGJIAN_HSTS_SUBDOMAINS", DANGJIAN_PRODUCTION)
SECURE_HSTS_PRELOAD = _flag("DANGJIAN_HSTS_PRELOAD", DANGJIAN_PRODUCTION)  # only marks the header; submits nothing
if os.environ.get("DANGJIAN_BEHIND_PROXY", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # …and the client's address (for the lockout) is the last one it adds to X-Forwarded-For.
    AXES_CLIENT_IP_CALLABLE = "dangjian.accounts.lockout.address_behind_proxy"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from the
# app's own static files; no inline script, style or event handler anywhere.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],  # Tabler's icons are data: URLs in its CSS; a chart saved as an image
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

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

DANGJIAN_PRODUCTION = os.environ.get("DANGJIAN_ENV", "") == "production"

# 身份证号 and 手机号 are encrypted with this key (SM4, 32 hex digits), not with SECRET_KEY
# (records.sealed). Production refuses to start without it; elsewhere a key is generated
# once and kept in DANGJIAN_DATA_KEY_FILE (by default beside the SQLite database).
DANGJIAN_DATA_KEY = os.environ.get("DANGJIAN_DATA_KEY", "").strip()


def _data_key_file():
    db = DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return str(db["NAME"]) + ".key"
    return str(Path.cwd() / f"dangjian-{db['NAME']}.key")


DANGJIAN_DATA_KEY_FILE = os.environ.get("DANGJIAN_DATA_KEY_FILE") or _data_key_file()

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
# Hostile workbooks (workbook/guard.py): what a workbook must pass before it is parsed. An
# upload is refused above DANGJIAN_UPLOAD_MAX_MB; the other limits (unpacked size, rows,
# columns, cells, a cell's length, the trial read's memory and seconds) keep their defaults
# unless set here. A writing import waits DANGJIAN_IMPORT_LOCK_WAIT seconds for another.
DANGJIAN_WORKBOOK_LIMITS = {"upload_bytes": int(os.environ.get("DANGJIAN_UPLOAD_MAX_MB", "50")) * 1024 * 1024}
DANGJIAN_IMPORT_LOCK_WAIT = int(os.environ.get("DANGJIAN_IMPORT_LOCK_WAIT", "600"))

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
