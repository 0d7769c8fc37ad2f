"""Test settings: the real settings with a throwaway key and fast password hashing."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
# One folder per pytest-xdist worker: job progress files are named by the job's id, which starts at 1 in every
# worker's database, and a test that moves the clock forward purges old job files: neither may touch another
# worker's files.
MEDIA_ROOT = BASE_DIR / ".test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The live server for browser tests speaks plain http.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Background tasks run at once, in the request that starts them: tests stay deterministic.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
