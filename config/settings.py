"""Settings, read from the environment.

DEBUG defaults to on for the embedded SQLite demo; production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS and DATABASE_URL (see README.md).
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, set the SECRET_KEY environment variable "
            "to a long random string (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development. / 未设置 SECRET_KEY：关闭 DEBUG 时必须设置环境变量 SECRET_KEY。"
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_filters",
    "django_htmx",
    "axes",
    "office",
    "petitions",
    "disputes",
    "reports",
    "ledgerimport",
    "django_tasks",
    "django_tasks_db",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "office.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "office.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires.
    "office.middleware.StaffProfileMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "office.context_processors.office",
                "reports.context_processors.work_queues",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: a worker reuses its connection for CONN_MAX_AGE seconds instead of
        # opening one per request (measured in bench/README.md); the health check drops a dead one.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if os.environ.get("PGBOUNCER"):
    # Behind pgbouncer in transaction pooling a server-side cursor cannot outlive its transaction.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two clerks save together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first so that a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the staff profile, roles and permissions with the user (office/auth.py).
    "office.auth.StaffBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "office.forms.DemoPasswordValidator"},
]
# The demo accounts' password (fixtures/). It logs in only while DEBUG is on: a demo loaded on a
# production server cannot be entered with the password printed in the README.
DEMO_PASSWORD = "Xinfang@2026"

# Lists: rows per page (case lists and ledgers; the figures' case lists; the messages page).
LIST_PAGE_SIZE = 25
FIGURE_CASES_PAGE_SIZE = 50
NOTIFICATIONS_PAGE_SIZE = 30
# The judicial-confirmation window (30 days, 人民调解法 Art 33) is flagged in its last days.
CONFIRMATION_WARNING_DAYS = 7
# A mediator's queue shows return visits falling due within this many days.
VISIT_HORIZON_DAYS = 30

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "office.views.lockout"
AXES_CLIENT_IP_CALLABLE = "office.security.client_ip"
# The reverse proxy (README: deployment) makes every client look like the proxy. Its address goes in
# TRUSTED_PROXIES; only a request from it has its CLIENT_IP_HEADER read for the real client address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CLIENT_IP_HEADER = "HTTP_" + os.environ.get("CLIENT_IP_HEADER", "X-Forwarded-For").upper().replace("-", "_")
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checked views

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# The largest request body (all files of one form together); a larger one is refused with 413
# before it is read (office/middleware.py RequestSizeLimitMiddleware). One file is at most 10 MB
# (office/validators.py).
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_MB", "50")) * 1024 * 1024
# An uploaded image larger than this many pixels is refused (a decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xinfang@localhost")

# Sessions on a shared office PC: the cookie goes when the browser closes, and a session idle for
# SESSION_IDLE_MINUTES ends (office/middleware.py IdleTimeoutMiddleware); the page warns a minute before.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = 8 * 3600  # how long the server keeps a session the browser never came back to
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from this server only; no inline script, no
# eval, no inline <style> element. Inline style *attributes* stay allowed (style-src-attr): risk
# levels carry their colour from the database, and a style attribute cannot run script.
# Bootstrap draws its icons (select arrows, the menu button) as data: SVG in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG:
    # Behind a TLS-terminating reverse proxy (see README: deployment).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Township shown before a user is tied to one (e.g. on the login page).
# Long work off the request (docs/architecture.md §14): exports and imports above these sizes run as a
# background task on the database queue, worked by `manage.py db_worker` (README, "The worker").
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
EXPORT_TASK_ROWS = int(os.environ.get("EXPORT_TASK_ROWS", "5000"))
IMPORT_TASK_ROWS = int(os.environ.get("IMPORT_TASK_ROWS", "2000"))
JOB_FILE_HOURS = int(os.environ.get("JOB_FILE_HOURS", "24"))  # a finished job's file is deleted after this
# A running job whose progress has not advanced for this long lost its worker (killed, server restarted):
# it is marked failed, and its user told to start it again (jobs/services.py sweep_stalled).
JOB_STALE_MINUTES = int(os.environ.get("JOB_STALE_MINUTES", "15"))

OFFICE_NAME = os.environ.get("OFFICE_NAME", "")
