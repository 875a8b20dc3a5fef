"""Mail that cannot hang (issue 9): STARTTLS with a self-signed certificate and AUTH, implicit
TLS, AUTH refused over plain text, a 5xx that fails the mail at once with the server's words, and
a server that accepts the connection and never answers. Runs `retour worker --once` against the
e2e database; every mail it queues is gone again afterwards."""
import asyncio
import os
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

DATABASE = os.environ["RETOUR_SQLITE"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    def __init__(self, refuse=None):
        self.messages = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope, session.authenticated, session.ssl is not None))
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"retour" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


class MailTransport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp()
        cls.cert = os.path.join(cls.directory, "cert.pem")
        cls.key = os.path.join(cls.directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", cls.key, "-out", cls.cert], check=True, capture_output=True)

    def setUp(self):
        self.ids = []

    def tearDown(self):
        with sqlite3.connect(DATABASE, timeout=30) as db:
            db.executemany("DELETE FROM mail_outbox WHERE id = ?", [(i,) for i in self.ids])

    def queue(self, subject):
        with sqlite3.connect(DATABASE, timeout=30) as db:
            now = time.time()
            cursor = db.execute(
                "INSERT INTO mail_outbox (recipient, subject, body, status, attempts, next_attempt_at, created_at) "
                "VALUES ('jan@pcpartner.nl', ?, 'Test', 'pending', 0, ?, ?)", (subject, now - 60, now - 60))
            self.ids.append(cursor.lastrowid)
            # Only this test's mail is due: the others wait.
            db.execute("UPDATE mail_outbox SET next_attempt_at = next_attempt_at + 1000000000 "
                       "WHERE status = 'pending' AND id <> ?", (cursor.lastrowid,))
            return cursor.lastrowid

    def release_others(self):
        with sqlite3.connect(DATABASE, timeout=30) as db:
            db.execute("UPDATE mail_outbox SET next_attempt_at = next_attempt_at - 1000000000 "
                       "WHERE status = 'pending' AND next_attempt_at > 1000000000 * 1.5")

    def mail(self, mail_id):
        with sqlite3.connect(DATABASE, timeout=30) as db:
            return db.execute("SELECT status, attempts, last_error FROM mail_outbox WHERE id = ?",
                              (mail_id,)).fetchone()

    def worker(self, timeout=60, **settings):
        env = dict(os.environ, RETOUR_MAIL="smtp", RETOUR_SMTP_HOST="127.0.0.1", **settings)
        started = time.monotonic()
        try:
            subprocess.run([os.environ["RETOUR_BINARY"], "worker", "--once"], env=env, check=True,
                           capture_output=True, timeout=timeout)
        finally:
            self.release_others()
        return time.monotonic() - started

    def context(self):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def test_starttls_with_a_self_signed_certificate_and_auth(self):
        collector = Collector()
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port, tls_context=self.context(),
                                require_starttls=True, authenticator=authenticator, auth_require_tls=True)
        controller.start()
        try:
            mail_id = self.queue("STARTTLS")
            self.worker(RETOUR_SMTP_PORT=str(port), RETOUR_SMTP_STARTTLS="1", RETOUR_SMTP_CA_FILE=self.cert,
                        RETOUR_SMTP_USER="retour", RETOUR_SMTP_PASSWORD="s3cret")
            self.assertEqual(self.mail(mail_id)[0], "sent", self.mail(mail_id))
            envelope, authenticated, encrypted = collector.messages[-1]
            self.assertTrue(authenticated, "the server saw no AUTH")
            self.assertTrue(encrypted, "the mail did not travel encrypted")
        finally:
            controller.stop()

    def test_an_unknown_certificate_is_not_trusted(self):
        collector = Collector()
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port, tls_context=self.context(),
                                require_starttls=True)
        controller.start()
        try:
            mail_id = self.queue("untrusted")
            self.worker(RETOUR_SMTP_PORT=str(port), RETOUR_SMTP_STARTTLS="1")
            status, attempts, error = self.mail(mail_id)
            self.assertEqual((status, attempts), ("pending", 1), error)
            self.assertEqual(collector.messages, [])
        finally:
            controller.stop()

    def test_implicit_tls(self):
        collector = Collector()
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port, ssl_context=self.context())
        controller.start()
        try:
            mail_id = self.queue("implicit TLS")
            self.worker(RETOUR_SMTP_PORT=str(port), RETOUR_SMTP_TLS="1", RETOUR_SMTP_CA_FILE=self.cert)
            self.assertEqual(self.mail(mail_id)[0], "sent", self.mail(mail_id))
        finally:
            controller.stop()

    def test_auth_is_refused_over_plain_text(self):
        collector = Collector()
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port, authenticator=authenticator,
                                auth_require_tls=False)
        controller.start()
        try:
            mail_id = self.queue("plain AUTH")
            self.worker(RETOUR_SMTP_PORT=str(port), RETOUR_SMTP_USER="retour", RETOUR_SMTP_PASSWORD="s3cret")
            status, _, error = self.mail(mail_id)
            self.assertEqual(status, "failed")
            self.assertIn("unencrypted", error)
            self.assertEqual(collector.messages, [], "the password went over plain text")
        finally:
            controller.stop()

    def test_a_5xx_fails_the_mail_at_once_with_the_servers_words(self):
        collector = Collector(refuse="550 5.1.1 No such mailbox here")
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            mail_id = self.queue("550")
            self.worker(RETOUR_SMTP_PORT=str(port))
            status, attempts, error = self.mail(mail_id)
            self.assertEqual((status, attempts), ("failed", 1))
            self.assertIn("No such mailbox here", error)
        finally:
            controller.stop()

    def test_a_server_that_never_answers_does_not_hang_the_worker(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        accepted = []
        stop = threading.Event()

        def accept():
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except socket.timeout:
                    pass

        thread = threading.Thread(target=accept)
        thread.start()
        try:
            mail_id = self.queue("silent")
            took = self.worker(timeout=60, RETOUR_SMTP_PORT=str(listener.getsockname()[1]),
                               RETOUR_SMTP_READ_TIMEOUT="2")
            status, attempts, error = self.mail(mail_id)
            self.assertEqual((status, attempts), ("pending", 1), "a silent server is a reason to try again later")
            self.assertIn("did not answer", error)
            self.assertLess(took, 30, "the worker waited far beyond its read timeout")
            self.assertTrue(accepted, "the worker never connected")
        finally:
            stop.set()
            thread.join()
            for connection in accepted:
                connection.close()
            listener.close()


if __name__ == "__main__":
    unittest.main()
