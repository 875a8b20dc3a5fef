"""A real OpenID Connect provider for the browser tests: django-oidc-provider (PyPI) in a one-file
Django project, standing in for the distributor's identity provider. Not a fake: discovery, the
authorization code flow with PKCE, signed ID tokens (RS256) and the JWKS are the library's own.

    provider.py setup DIR           a fresh database with its signing key
    provider.py client DIR ID SECRET REDIRECT_URI
    provider.py user DIR EMAIL PASSWORD
    provider.py serve DIR PORT

The tests play the attacker or a broken provider through the file named by OIDC_MODE_FILE: with
`wrong_audience` or `expired` in it the provider's own ID tokens carry that claim (its processing
hook); with `forged` the token is signed by a key the provider never published, under the published
key id.
"""
import os
import sys
import time

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
        OIDC_IDTOKEN_PROCESSING_HOOK=__name__ + ".idtoken_hook",
        USE_TZ=True,
    )
    django.setup()


def userinfo(claims, user):
    """The claims the distributor's provider vouches for: the e-mail address, verified."""
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["name"] = user.get_full_name() or user.username
    return claims


def mode():
    path = os.environ.get("OIDC_MODE_FILE")
    if not path or not os.path.exists(path):
        return ""
    with open(path) as file:
        return file.read().strip()


def idtoken_hook(id_token, user, token, request, **kwargs):
    if mode() == "wrong_audience":
        id_token["aud"] = "another-app"
    elif mode() == "expired":
        id_token["iat"] = int(time.time()) - 7200
        id_token["exp"] = int(time.time()) - 3600
    return id_token


def forge_when_asked():
    """Wraps the token endpoint's signing: in `forged` mode, a fresh key signs under the real kid."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from oidc_provider.lib.endpoints import token as endpoint
    from oidc_provider.lib.utils.token import get_client_alg_keys

    genuine = endpoint.encode_id_token

    def encode(payload, client):
        if mode() != "forged":
            return genuine(payload, client)
        kid = get_client_alg_keys(client)[0].get("kid")
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(payload, stranger, algorithm="RS256", headers={"kid": kid})

    endpoint.encode_id_token = encode


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
        forge_when_asked()
        call_command("runserver", f"127.0.0.1:{argv[3]}", use_reloader=False, use_threading=True, verbosity=0)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
