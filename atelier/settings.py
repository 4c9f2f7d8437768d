"""Atelier settings, all read from the environment (see README, "Configuration")."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# A local .env (made from .env.example by `make demo`) is read first; real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("ATELIER_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-atelier-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("ATELIER_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "program",
    "program.access",
    "program.feedback",
    "program.films",
    "generation",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "program.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "atelier.urls"
WSGI_APPLICATION = "atelier.wsgi.application"
ASGI_APPLICATION = "atelier.asgi.application"

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
                "program.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("ATELIER_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("ATELIER_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Atelier <atelier@localhost>")

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Staff must use TOTP two-factor; on by default in production, off in local debug/demo.
ATELIER_STAFF_2FA = env.bool("ATELIER_STAFF_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Atelier"

# --- Login throttling -------------------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("ATELIER_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "program.access.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "atelier.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atelier API",
    "DESCRIPTION": "Artist early-access program: membership, tokens, videos, feedback, films, pay.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/(api|v1)/",
    # Each model's state enum gets a stable name; add new ones here as models appear.
    "ENUM_NAME_OVERRIDES": {
        "TesterStatusEnum": "program.models.Tester.Status",
        "InvitationStatusEnum": "program.models.Invitation.Status",
        "ProgramStatusEnum": "program.models.Program.Status",
        "TokenStatusEnum": "program.access.models.AccessToken.Status",
        "QuarantineRuleEnum": "program.access.models.TokenQuarantine.Rule",
        "SecurityFlagKindEnum": "program.access.models.SecurityFlag.Kind",
        "JobStatusEnum": "generation.models.GenerationJob.Status",
        "PayoutStatusEnum": "payments.models.Payout.Status",
        "PayoutBatchStatusEnum": "payments.models.PayoutBatch.Status",
        "PayoutPeriodStatusEnum": "payments.models.PayoutPeriod.Status",
        "PayoutRailEnum": "payments.models.PayeeAccount.Rail",
        "TestSignupStatusEnum": "payments.models.TestSignup.Status",
        "TestAssignmentStatusEnum": "payments.models.TestAssignment.Status",
        "CurrencyEnum": "payments.money.CURRENCY_CHOICES",
    },
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers unacknowledged messages after the visibility timeout; every time limit
# stays below it so a long job is never handed to a second worker while still running.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
# Deployments (or a benchmark stack and the test suite) sharing one Redis database keep their
# queues apart with a key prefix; otherwise one's worker would take the other's messages.
CELERY_BROKER_KEY_PREFIX = env.str("CELERY_BROKER_KEY_PREFIX", default="")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        **({"global_keyprefix": CELERY_BROKER_KEY_PREFIX} if CELERY_BROKER_KEY_PREFIX else {}),
    }
    if CELERY_BROKER_URL.startswith(("redis", "rediss"))
    else {}
)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=1800)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1860)
if CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be below CELERY_VISIBILITY_TIMEOUT")
REDIS_URL = env.str("REDIS_URL", default="")

# --- Program ----------------------------------------------------------------------------------
ATELIER_INVITATION_DAYS = env.int("ATELIER_INVITATION_DAYS", default=7)
ATELIER_CSV_IMPORT_MAX_ROWS = env.int("ATELIER_CSV_IMPORT_MAX_ROWS", default=5000)
ATELIER_TRUSTED_PROXIES = env.int("ATELIER_TRUSTED_PROXIES", default=0)
ATELIER_TOKEN_DEFAULT_DAYS = env.int("ATELIER_TOKEN_DEFAULT_DAYS", default=30)
# Defaults for new programs; each program's own numbers are editable by staff.
ATELIER_RATE_PER_MINUTE = env.int("ATELIER_RATE_PER_MINUTE", default=120)
ATELIER_MAX_CONCURRENT_JOBS = env.int("ATELIER_MAX_CONCURRENT_JOBS", default=2)
ATELIER_GPU_SECONDS_PER_DAY = env.int("ATELIER_GPU_SECONDS_PER_DAY", default=3600)

# --- Access tokens and security (program/access; README "Access tokens and security") --------
# Defaults for each program's ProgramSecurity row; staff edit the per-program numbers.
ATELIER_RATE_PER_MINUTE_PER_TESTER = env.int("ATELIER_RATE_PER_MINUTE_PER_TESTER", default=240)
ATELIER_ORIGIN_ALLOWLIST = env.list("ATELIER_ORIGIN_ALLOWLIST", default=[])
ATELIER_SPREAD_MAX_NETWORKS = env.int("ATELIER_SPREAD_MAX_NETWORKS", default=4)
ATELIER_SPREAD_WINDOW_MINUTES = env.int("ATELIER_SPREAD_WINDOW_MINUTES", default=60)
ATELIER_SPIKE_FACTOR = env.int("ATELIER_SPIKE_FACTOR", default=10)
ATELIER_SPIKE_MIN_PER_MINUTE = env.int("ATELIER_SPIKE_MIN_PER_MINUTE", default=30)
ATELIER_TOKEN_USAGE_RAW_DAYS = env.int("ATELIER_TOKEN_USAGE_RAW_DAYS", default=30)
# Shared secret of the secret-scanning partner; the report endpoint answers 503 without it.
ATELIER_TOKEN_REPORT_SECRET = env.str("ATELIER_TOKEN_REPORT_SECRET", default="")
ATELIER_TOKEN_REPORT_TOLERANCE_SECONDS = env.int(
    "ATELIER_TOKEN_REPORT_TOLERANCE_SECONDS", default=300
)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "access-prune-token-usage": {"task": "access.prune_token_usage", "schedule": 3600.0},
}

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.str("ATELIER_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("ATELIER_LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Feedback ---------------------------------------------------------------------------------
# Response-time promises, in business days (Mon-Fri), fixed on each item when it is filed.
ATELIER_SLO_FIRST_RESPONSE_DAYS = env.int("ATELIER_SLO_FIRST_RESPONSE_DAYS", default=2)
ATELIER_SLO_TRIAGE_DAYS = env.int("ATELIER_SLO_TRIAGE_DAYS", default=5)
ATELIER_SLO_DECISION_DAYS = env.int("ATELIER_SLO_DECISION_DAYS", default=10)
ATELIER_FEEDBACK_NEEDS_INFO_CLOSE_DAYS = env.int(
    "ATELIER_FEEDBACK_NEEDS_INFO_CLOSE_DAYS", default=14
)
ATELIER_FEEDBACK_IMAGE_MAX_BYTES = env.int("ATELIER_FEEDBACK_IMAGE_MAX_BYTES", default=10 * 2**20)
ATELIER_FEEDBACK_VIDEO_MAX_BYTES = env.int("ATELIER_FEEDBACK_VIDEO_MAX_BYTES", default=50 * 2**20)
ATELIER_FEEDBACK_VIDEO_MAX_SECONDS = env.int("ATELIER_FEEDBACK_VIDEO_MAX_SECONDS", default=60)
ATELIER_FEEDBACK_MAX_ATTACHMENTS = env.int("ATELIER_FEEDBACK_MAX_ATTACHMENTS", default=6)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "FeedbackKindEnum": "program.feedback.models.Feedback.Kind",
        "FeedbackSeverityEnum": "program.feedback.models.Feedback.Severity",
        "FeedbackStateEnum": "program.feedback.models.Feedback.State",
        "FeedbackAttachmentKindEnum": "program.feedback.models.FeedbackAttachment.Kind",
        "FeedbackClockNameEnum": "program.feedback.clocks.CLOCK_NAMES",
        "FeedbackClockStatusEnum": "program.feedback.clocks.CLOCK_STATUSES",
    }
)
CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {})
CELERY_BEAT_SCHEDULE["feedback-close-stale"] = {
    "task": "program.feedback.tasks.feedback_close_stale_task",
    "schedule": 3600.0,
}

# --- Films, curation and licensing ------------------------------------------------------------
ATELIER_FILM_MAX_BYTES = env.int("ATELIER_FILM_MAX_BYTES", default=500 * 1024 * 1024)
ATELIER_FILM_MAX_SECONDS = env.int("ATELIER_FILM_MAX_SECONDS", default=900)
ATELIER_FILM_CODECS = env.list("ATELIER_FILM_CODECS", default=["h264", "hevc", "av1", "vp9"])
ATELIER_FILM_MAX_CLIPS = env.int("ATELIER_FILM_MAX_CLIPS", default=20)
# Points on the 0-100 scale: a review this far from the film's median is an outlier (3+ reviews);
# a film whose reviews spread wider than this is flagged.
ATELIER_FILM_OUTLIER_POINTS = env.int("ATELIER_FILM_OUTLIER_POINTS", default=25)
ATELIER_FILM_SPREAD_POINTS = env.int("ATELIER_FILM_SPREAD_POINTS", default=30)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "FilmStatusEnum": "program.films.models.Film.Status",
        "FilmSourceEnum": "program.films.models.Film.Source",
        "RoundStatusEnum": "program.films.models.Round.Status",
        "AssignmentStatusEnum": "program.films.models.Assignment.Status",
        "DecisionOutcomeEnum": "program.films.models.Decision.Outcome",
        "LicenseUseEnum": "program.films.models.License.Use",
        "LicenseStatusEnum": "program.films.models.License.Status",
        "ScreeningStatusEnum": "program.films.models.Screening.Status",
    }
)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "films-release-round-decisions": {
        "task": "program.films.tasks.release_due_rounds",
        "schedule": 300.0,
    },
}

# --- Payments ---------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
# Comma-separated; more than one while a webhook secret is being rotated.
STRIPE_WEBHOOK_SECRETS = env.list("STRIPE_WEBHOOK_SECRETS", default=[])
STRIPE_WEBHOOK_TOLERANCE_S = env.int("STRIPE_WEBHOOK_TOLERANCE_S", default=300)
STRIPE_TIMEOUT_S = env.int("STRIPE_TIMEOUT_S", default=30)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# A paying batch whose payouts have not moved for this long lost its run (worker killed); the
# periodic `payments.batches_resume` sends it again (safe: payouts are claimed and idempotent).
PAYMENTS_BATCH_STALE_SECONDS = env.int("PAYMENTS_BATCH_STALE_SECONDS", default=300)
PAYMENTS_RESUME_INTERVAL = env.float("PAYMENTS_RESUME_INTERVAL", default=60.0)
CELERY_BEAT_SCHEDULE["payments-batches-resume"] = {
    "task": "payments.batches_resume",
    "schedule": PAYMENTS_RESUME_INTERVAL,
}
# Last month's stipends are accrued by beat once the month has ended (a rerun finds nobody due),
# so artists see them before finance closes the period.
PAYMENTS_STIPEND_ACCRUAL_INTERVAL = env.float("PAYMENTS_STIPEND_ACCRUAL_INTERVAL", default=3600.0)
CELERY_BEAT_SCHEDULE["payments-stipends-accrue"] = {
    "task": "payments.stipends_accrue_due",
    "schedule": PAYMENTS_STIPEND_ACCRUAL_INTERVAL,
}
# Where account links send artists: the payouts page's CSP lets its onboarding form go there.
STRIPE_CONNECT_ORIGIN = env.str("STRIPE_CONNECT_ORIGIN", default="https://connect.stripe.com")
# Countries Stripe Connect can pay out to; artists elsewhere get the manual bank transfer rail.
PAYMENTS_STRIPE_COUNTRIES = env.list(
    "PAYMENTS_STRIPE_COUNTRIES",
    default=[
        "US",
        "CA",
        "GB",
        "FR",
        "DE",
        "ES",
        "IT",
        "NL",
        "BE",
        "IE",
        "PT",
        "AT",
        "SE",
        "DK",
        "FI",
        "NO",
        "CH",
        "PL",
        "CZ",
        "JP",
        "AU",
        "NZ",
        "SG",
        "HK",
        "MX",
        "BR",
    ],
)
PAYMENTS_GATEWAYS = {
    "stripe": "payments.gateways.stripe_connect.StripeConnectGateway",
    "manual": "payments.gateways.manual.ManualGateway",
    "demo": "payments.gateways.manual.DemoGateway",
}
# Balances below this (minor units of the payout currency) carry over to the next period.
PAYMENTS_MIN_PAYOUT_MINOR = env.int("PAYMENTS_MIN_PAYOUT_MINOR", default=1000)
# Yearly total (minor units) above which an artist is listed for tax forms (US 1099: $600).
PAYMENTS_TAX_THRESHOLD_MINOR = env.int("PAYMENTS_TAX_THRESHOLD_MINOR", default=60000)
# The transparency report hides per-artist statistics below this many paid artists.
PAYMENTS_TRANSPARENCY_MIN_ARTISTS = env.int("PAYMENTS_TRANSPARENCY_MIN_ARTISTS", default=5)

# --- Generation (see README, "Video generation") ----------------------------------------------
GENERATION_MODELS_DIR = Path(env.str("GENERATION_MODELS_DIR", default=str(VAR_DIR / "models")))
GENERATION_DEFAULT_MODEL = env.str("GENERATION_DEFAULT_MODEL", default="")
GENERATION_DEVICE = env.str("GENERATION_DEVICE", default="auto")  # auto | cpu | cuda
GENERATION_DTYPE = env.str(
    "GENERATION_DTYPE", default="auto"
)  # auto | bfloat16 | float16 | float32
GENERATION_VAE_TILING = env.bool("GENERATION_VAE_TILING", default=False)
GENERATION_CPU_OFFLOAD = env.bool("GENERATION_CPU_OFFLOAD", default=False)
GENERATION_GPU_SLOTS = env.int("GENERATION_GPU_SLOTS", default=1)
GENERATION_MAX_QUEUED_PER_TESTER = env.int("GENERATION_MAX_QUEUED_PER_TESTER", default=100)
GENERATION_MAX_STEPS = env.int("GENERATION_MAX_STEPS", default=100)
GENERATION_MAX_GUIDANCE = env.float("GENERATION_MAX_GUIDANCE", default=20.0)
GENERATION_PROGRESS_INTERVAL = env.float("GENERATION_PROGRESS_INTERVAL", default=0.5)
GENERATION_WORKER_STALE_SECONDS = env.int("GENERATION_WORKER_STALE_SECONDS", default=60)
GENERATION_FAIRSHARE_HOURS = env.int("GENERATION_FAIRSHARE_HOURS", default=24)
GENERATION_ESTIMATE_CACHE_SECONDS = env.int("GENERATION_ESTIMATE_CACHE_SECONDS", default=30)
# libx264 preset for the MP4: faster presets make bigger files at the same quality (CRF 20).
GENERATION_X264_PRESET = env.str("GENERATION_X264_PRESET", default="ultrafast")
GENERATION_ASSET_DAYS = env.int("GENERATION_ASSET_DAYS", default=0)  # 0: assets never expire
# Lets prompts such as "[[simulate:oom]]" inject faults; only the test and bench workers set it.
GENERATION_FAULT_INJECTION = env.bool("GENERATION_FAULT_INJECTION", default=False)
# The embedded SQL broker is polled; generation/apps.py shortens the interval to keep queue
# latency low.
CELERY_POLLING_INTERVAL = env.float("CELERY_POLLING_INTERVAL", default=0.1)
CELERY_TASK_ROUTES = {"generation.run_job": {"queue": "gpu"}}
# A safety net for the immediate dispatch: jobs whose hand-off failed still go out.
GENERATION_DISPATCH_INTERVAL = env.float("GENERATION_DISPATCH_INTERVAL", default=30.0)
CELERY_BEAT_SCHEDULE["generation-dispatch"] = {
    "task": "generation.dispatch",
    "schedule": GENERATION_DISPATCH_INTERVAL,
}
# Tests that start a real Celery worker share the test database with it, so on SQLite the
# test database is a file (an in-memory one is private to the pytest process).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(VAR_DIR / "test_atelier.sqlite3")
    )

# --- Quality gates and production (see README, "Quality gates and production") ----------------
# Request ids on every response and log line, one structured access-log line per request.
MIDDLEWARE.insert(0, "atelier.request_log.RequestLogMiddleware")
LOGGING["filters"] = {"request_id": {"()": "atelier.request_log.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
LOGGING["loggers"]["atelier.access"] = {
    "level": env.str("ATELIER_ACCESS_LOG_LEVEL", default="INFO")
}
# Locked-out sign-ins get a page that says what happened and when to try again (HTTP 429).
AXES_LOCKOUT_TEMPLATE = "auth/locked_out.html"
# Every operation documents the error envelope (400/401/403/404/409/415/429/503) it can return.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "atelier.schema.add_error_responses",
    "atelier.schema.require_visible_text",
]
# limit/offset outside their documented range are a 400 naming the parameter, not silently ignored.
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "atelier.drf.StrictLimitOffsetPagination"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["CountryEnum"] = "program.countries.COUNTRY_CHOICES"
# A JSON body that is not an object (`[null]`, `3`) is a 400 before any view sees it.
# Neither is a form or multipart body that holds no fields (`[1, 2]`): never an empty form.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "atelier.drf.ObjectJSONParser",
    "atelier.drf.StrictFormParser",
    "atelier.drf.StrictMultiPartParser",
]
