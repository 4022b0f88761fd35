import os

# Tests never reach the real LINE servers.
os.environ.setdefault("LINE_API_BASE", "http://127.0.0.1:9")
os.environ.setdefault("LINE_API_DATA_BASE", "http://127.0.0.1:9")


def pytest_configure(config):
    from django.conf import settings

    # Real password hashing costs seconds per test class; what the tests check does not depend on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
