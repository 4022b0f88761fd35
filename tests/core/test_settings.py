import os
import subprocess
import sys

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"


def run_with(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "raksa.settings", **env_overrides}
    env.pop("DATABASE_URL", None) if "DATABASE_URL" not in env_overrides else None
    return subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60)


class SettingsTests:
    def test_it_defaults_to_sqlite(self, tmp_path):
        result = run_with({"RAKSA_VAR_DIR": str(tmp_path)})
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "django.db.backends.sqlite3"

    def test_it_uses_postgresql_from_database_url(self):
        result = run_with({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/raksa"})
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "django.db.backends.postgresql"

    def test_it_fails_loudly_on_bad_values(self):
        for name, value in [
            ("DATABASE_URL", "mysql://root@localhost/raksa"),
            ("DATABASE_URL", "not a url"),
            ("RAKSA_DEBUG", "maybe"),
            ("LINE_API_BASE", "api.line.me"),
            ("LINE_API_DATA_BASE", "api-data.line.me"),
            ("RAKSA_ATTACHMENT_MAX_BYTES", "ten megabytes"),
        ]:
            result = run_with({name: value})
            assert result.returncode != 0, (name, value)
            assert "ImproperlyConfigured" in result.stderr and name in result.stderr, (
                name,
                value,
                result.stderr,
            )

    def test_it_fails_loudly_on_bad_sign_in_and_session_settings(self):
        for name, value in [
            ("RAKSA_LOGIN_FAILURE_LIMIT", "five"),
            ("RAKSA_LOGIN_FAILURE_LIMIT", "0"),
            ("RAKSA_LOGIN_COOLOFF_MINUTES", "15m"),
            ("RAKSA_LOGIN_COOLOFF_MINUTES", "-1"),
            ("RAKSA_PROXY_COUNT", "one"),
            ("RAKSA_SESSION_IDLE_MINUTES", "0"),
            ("RAKSA_SECURE_COOKIES", "maybe"),
        ]:
            result = run_with({name: value})
            assert result.returncode != 0, (name, value)
            assert "ImproperlyConfigured" in result.stderr and name in result.stderr, (
                name,
                value,
                result.stderr,
            )

    def test_it_fails_loudly_on_bad_need_to_know_limits(self):
        for name, value in [
            ("RAKSA_BREAK_GLASS_MINUTES", "0"),
            ("RAKSA_BREAK_GLASS_MINUTES", "four hours"),
            ("RAKSA_BREAK_GLASS_MINUTES", "100000"),
            ("RAKSA_PERSON_VIEWS_PER_HOUR", "-1"),
            ("RAKSA_PERSON_VIEWS_PER_HOUR", "lots"),
            ("RAKSA_EMAIL_PORT", "70000"),
        ]:
            result = run_with({name: value})
            assert result.returncode != 0, (name, value)
            assert "ImproperlyConfigured" in result.stderr and name in result.stderr, (
                name,
                value,
                result.stderr,
            )
