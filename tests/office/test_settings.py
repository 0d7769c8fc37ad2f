import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "TESTING"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Petitions") == "信访"


def test_missing_secret_key_with_debug_off_stops_start_up_and_says_what_to_set():
    result = run_manage("check", env_overrides={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "environment variable" in result.stderr


def test_production_configuration_passes_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DEBUG": "0",
            "SECRET_KEY": "x7#kq!2mZ9vR@pL4sT8wY1nB6cF3hJ0dG5eA&uI*oK^rM$zX%q",
            "ALLOWED_HOSTS": "xinfang.example.gov",
            "CSRF_TRUSTED_ORIGINS": "https://xinfang.example.gov",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _database_settings(**env):
    code = ("import json, django; from django.conf import settings; django.setup(); "
            "d = settings.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], "
            "d.get('DISABLE_SERVER_SIDE_CURSORS', False)]))")
    base = {k: v for k, v in os.environ.items() if k not in {"CONN_MAX_AGE", "PGBOUNCER", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**base, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_workers_keep_their_database_connection_and_check_it_before_reuse():
    assert _database_settings() == "[60, true, false]"
    assert _database_settings(CONN_MAX_AGE="0") == "[0, true, false]"
    assert _database_settings(PGBOUNCER="1", DATABASE_URL="postgres://app@127.0.0.1:6432/xinfang") == "[60, true, true]"
