import pytest


@pytest.fixture(autouse=True)
def _plain_http_for_tests(settings):
    """Production settings redirect to HTTPS and mark cookies Secure; the test client and the live
    server speak plain HTTP. test_settings.py checks the production defaults separately."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """The manifest storage needs `collectstatic`; tests serve static files from the finders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check the production hasher override this."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
