"""A real OpenID Connect provider for the browser tests: django-oidc-provider (PyPI) in a one-file
Django project, standing in for the distributor's identity provider. Not a fake: discovery, the
authorization code flow with PKCE, signed ID tokens (RS256) and the JWKS are the library's own.

    provider.py setup DIR           a fresh database with its signing key
    provider.py client DIR ID SECRET REDIRECT_URI
    provider.py user DIR EMAIL PASSWORD
    provider.py serve DIR PORT
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def configure(directory, port=None):
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="retour-e2e-provider-" + os.path.basename(directory),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
            "django.contrib.messages", "oidc_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(directory, "provider.sqlite")}},
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [os.path.join(HERE, "templates")],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
        }],
        LOGIN_URL="/accounts/login/",
        SITE_URL=f"http://127.0.0.1:{port}" if port else None,
        OIDC_IDTOKEN_INCLUDE_CLAIMS=True,
        OIDC_USERINFO=__name__ + ".userinfo",
        USE_TZ=True,
    )
    django.setup()


def userinfo(claims, user):
    """The claims the distributor's provider vouches for: the e-mail address, verified."""
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["name"] = user.get_full_name() or user.username
    return claims


urlpatterns = []


def routes():
    from django.contrib.auth import views as auth_views
    from django.urls import include, path

    urlpatterns.extend([
        path("accounts/login/", auth_views.LoginView.as_view(template_name="login.html")),
        path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    ])


def main(argv):
    command, directory = argv[1], argv[2]
    os.makedirs(directory, exist_ok=True)
    configure(directory, argv[3] if command == "serve" else None)
    routes()
    from django.core.management import call_command

    if command == "setup":
        call_command("migrate", verbosity=0)
        call_command("creatersakey")
    elif command == "client":
        from oidc_provider.models import Client, ResponseType

        client_id, secret, redirect = argv[3], argv[4], argv[5]
        client, _ = Client.objects.get_or_create(
            client_id=client_id,
            defaults={"name": client_id, "client_type": "confidential", "client_secret": secret, "jwt_alg": "RS256"},
        )
        client.client_secret = secret
        client.redirect_uris = [redirect]
        client.require_consent = False
        client.save()
        client.response_types.add(ResponseType.objects.get(value="code"))
    elif command == "user":
        from django.contrib.auth.models import User

        email, password = argv[3], argv[4]
        user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
        user.email = email
        user.set_password(password)
        user.save()
    elif command == "serve":
        call_command("runserver", f"127.0.0.1:{argv[3]}", use_reloader=False, use_threading=True, verbosity=0)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
