"""Sign-in through the distributor's identity provider (issue 22, item 4), against a real OpenID
Connect provider (django-oidc-provider, started by scripts/oidc-provider.sh): the agent clicks the
button on Retour's login page, signs in at the provider and lands on the queue. Without a browser:
a `state` used once is refused the second time, a code issued to another application signs nobody
in, and a provider account without a Retour login is refused with a page, nothing created; an ID
token the provider signs for another audience or already expired, or one forged with a key the
provider never published, signs nobody in."""
import http.cookiejar
import os
import re
import unittest
import urllib.error
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By

from browser import BASE, BrowserTest

PROVIDER = os.environ.get("OIDC_PROVIDER_URL", "")
PROVIDER_PASSWORD = os.environ.get("OIDC_PASSWORD", "")
MODE_FILE = os.environ.get("OIDC_MODE_FILE", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A cookie-keeping HTTP client that shows each redirect instead of following it."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def get(self, url):
        try:
            response = self.opener.open(url)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def post(self, url, fields, referer):
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
        request.add_header("Referer", referer)
        try:
            response = self.opener.open(request)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def sign_in_at_provider(self, authorize_url, user):
        """Follows Retour's redirect to the provider, signs in there, returns the provider's redirect
        back to Retour (the callback address with `code` and `state`)."""
        status, headers, _ = self.get(authorize_url)
        if status in (301, 302, 303) and "/accounts/login/" in headers["Location"]:
            login = urllib.parse.urljoin(PROVIDER, headers["Location"])
            _, _, page = self.get(login)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            nxt = urllib.parse.parse_qs(urllib.parse.urlparse(login).query)["next"][0]
            status, headers, _ = self.post(
                login, {"csrfmiddlewaretoken": token, "username": user, "password": PROVIDER_PASSWORD, "next": nxt},
                referer=login)
            assert status == 302, status
            status, headers, _ = self.get(urllib.parse.urljoin(PROVIDER, headers["Location"]))
        assert status == 302, (status, headers)
        return headers["Location"]


@unittest.skipUnless(PROVIDER, "no identity provider in this stage")
class SignInThroughTheProvider(BrowserTest):
    def test_an_agent_signs_in_with_the_company_account(self):
        self.open("/login")
        self.driver.find_element(By.ID, "login-oidc").click()
        self.wait.until(lambda d: d.find_elements(By.ID, "provider-login"))
        self.driver.find_element(By.ID, "id_username").send_keys("rma@retour.example")
        self.driver.find_element(By.ID, "id_password").send_keys(PROVIDER_PASSWORD)
        self.driver.find_element(By.ID, "provider-submit").click()
        self.wait.until(lambda d: d.current_url.startswith(BASE) and "/backoffice" in d.current_url)
        self.assertIn("/backoffice", self.driver.current_url)

    def test_a_state_is_used_once(self):
        client = Client()
        status, headers, _ = client.get(BASE + "/login/oidc")
        self.assertEqual(status, 303)
        callback = client.sign_in_at_provider(headers["Location"], "rma@retour.example")
        self.assertIn("/login/oidc/callback?", callback)
        status, headers, _ = client.get(callback)
        self.assertEqual(status, 303, "signed in")
        status, _, page = client.get(callback)
        self.assertEqual(status, 400, "the same state again")
        self.assertIn('id="oidc-error"', page)

    def test_a_code_for_another_application_signs_nobody_in(self):
        client = Client()
        status, headers, _ = client.get(BASE + "/login/oidc")
        ours = urllib.parse.urlparse(headers["Location"])
        query = urllib.parse.parse_qs(ours.query)
        query["client_id"] = ["another-app"]
        forged = ours._replace(query=urllib.parse.urlencode({k: v[0] for k, v in query.items()})).geturl()
        callback = client.sign_in_at_provider(forged, "rma@retour.example")
        status, _, page = client.get(callback)
        self.assertEqual(status, 401, page[:400])
        self.assertIn('id="oidc-error"', page)
        status, headers, _ = client.get(BASE + "/backoffice")
        self.assertEqual(status, 303, "not signed in")

    def test_tokens_for_another_audience_expired_or_forged_sign_nobody_in(self):
        reasons = {"wrong_audience": "wrong_audience", "expired": "expired", "forged": "badSignature"}
        for mode in ("wrong_audience", "expired", "forged"):
            with self.subTest(mode=mode):
                with open(MODE_FILE, "w") as file:
                    file.write(mode)
                try:
                    client = Client()
                    _, headers, _ = client.get(BASE + "/login/oidc")
                    callback = client.sign_in_at_provider(headers["Location"], "rma@retour.example")
                    status, _, page = client.get(callback)
                    self.assertEqual(status, 401, page[:400])
                    self.assertIn('id="oidc-error"', page)
                    status, _, _ = client.get(BASE + "/backoffice")
                    self.assertEqual(status, 303, "not signed in")
                    # Refused for the reason the provider was made to give, not another.
                    with open(os.environ["RETOUR_SERVE_LOG"], errors="replace") as log:
                        self.assertIn(reasons[mode], log.read()[-4000:])
                finally:
                    os.remove(MODE_FILE)
        # The same flow with the provider behaving signs in: the refusals were the tokens' doing.
        client = Client()
        _, headers, _ = client.get(BASE + "/login/oidc")
        status, _, _ = client.get(client.sign_in_at_provider(headers["Location"], "rma@retour.example"))
        self.assertEqual(status, 303)
        self.assertEqual(client.get(BASE + "/backoffice")[0], 200)

    def test_a_provider_account_without_a_retour_login_is_refused(self):
        client = Client()
        _, headers, _ = client.get(BASE + "/login/oidc")
        callback = client.sign_in_at_provider(headers["Location"], "stranger@elsewhere.example")
        status, _, page = client.get(callback)
        self.assertEqual(status, 403)
        self.assertIn("stranger@elsewhere.example", page)
        status, _, _ = client.get(BASE + "/backoffice")
        self.assertEqual(status, 303)


if __name__ == "__main__":
    unittest.main()
