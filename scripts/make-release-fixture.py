"""Makes the upgrade fixture: a database written by a released Retour, used by
MigrationTests.aDatabaseOfTheLastReleaseUpgradesAndAnswersAsBefore.

usage: python3 scripts/make-release-fixture.py RELEASED_RETOUR_BINARY OUTPUT_DIRECTORY

Build the release first (git worktree add /tmp/release <commit>; cd /tmp/release; swift build
--product retour). The release imports the test world, serves it on a loopback port on the world's
day (2026-03-16), and a reseller, an agent and an administrator use it through the API as people
would: a defect with a photo and a message, received and credited; an API key; a webhook whose
receiver is down; a new policy version. The database as SQL text (`retour.sql`) and the files
directory are what is kept."""
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

binary, output = sys.argv[1:3]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shutil.rmtree(output, ignore_errors=True)
os.makedirs(output)
work = output + "/work"
os.makedirs(work)
world_day = datetime.date(2026, 3, 16)
offset = (world_day - datetime.date.today()).days
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
env = dict(os.environ, RETOUR_SQLITE=work + "/retour.sqlite", RETOUR_FILES=work + "/files",
           RETOUR_MAIL_DIR=work + "/mail", RETOUR_WORKER_INTERVAL="0", RETOUR_BCRYPT_COST="4",
           RETOUR_CLOCK_OFFSET_DAYS=str(offset), RETOUR_WEBHOOK_ALLOW_PRIVATE="1")
subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
subprocess.run([binary, "import", root + "/Tests/RetourAppTests/Fixtures/world.json"], env=env, check=True,
               stdout=subprocess.DEVNULL)
server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
for _ in range(100):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1)
        break
    except OSError:
        time.sleep(0.2)


def call(method, path, body=None, token=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def token(email):
    return call("POST", "/api/v1/auth/token", {"email": email, "password": "retour-demo-2026"})["token"]


try:
    jan, agent, admin = token("jan@pcpartner.nl"), token("rma@retour.example"), token("admin@retour.example")
    line = call("GET", "/api/v1/lines?numberType=serial&number=2119LZ90X2V9", token=jan)["documents"][0]["lines"][0]
    photo = b"\xff\xd8\xff\xe0release-fixture-photo"
    boundary = "fixture"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scherm.jpg\"\r\n"
                 f"Content-Type: image/jpeg\r\n\r\n").encode() + photo + f"\r\n--{boundary}--\r\n".encode()
    attachment = call("POST", "/api/v1/attachments", token=jan, raw=multipart,
                      content_type=f"multipart/form-data; boundary={boundary}")["id"]
    call("POST", "/api/v1/cart/positions", {"line": line["id"], "reason": "defect", "serials": ["2119LZ90X2V9"],
                                            "fields": {"fault": "no_response", "description": "Geen beeld"},
                                            "attachments": [attachment]}, token=jan)
    number = call("POST", "/api/v1/cart/submit", {}, token=jan)["requests"][0]["number"]
    call("POST", f"/api/v1/requests/{number}/messages", {"message": "Foto erbij", "attachments": [attachment]},
         token=jan)
    request = call("GET", f"/api/v1/requests/{number}", token=agent)
    if request["status"] == "in_review":
        call("POST", f"/api/v1/requests/{number}/decision", {"decision": "approve"}, token=agent)
    call("POST", f"/api/v1/requests/{number}/receipt", {"quantity": 1, "serials": ["2119LZ90X2V9"],
                                                         "condition": "as_expected"}, token=agent)
    call("POST", f"/api/v1/requests/{number}/credit", {}, token=agent)
    key = call("POST", "/api/v1/api-keys", {"name": "ERP van PC Partner", "scopes": ["read"]}, token=jan)
    call("POST", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/down", "events": ["request.created"]}, token=jan)
    policy = call("GET", "/api/v1/policies", token=admin)["policy"]
    call("POST", "/api/v1/policies", {"policy": policy, "note": "release fixture"}, token=admin)
    # Another commercial return, so that the fixture holds a request awaiting goods and a pending webhook.
    ssd = call("GET", "/api/v1/lines?numberType=invoice&number=0962350553", token=jan)["documents"][0]["lines"][0]
    call("POST", "/api/v1/cart/positions", {"line": ssd["id"], "reason": "commercial_return",
                                            "serials": ["S4EVNM0R820837"], "fields": {"sealedDeclaration": True}},
         token=jan)
    second = call("POST", "/api/v1/cart/submit", {}, token=jan)["requests"][0]["number"]
    facts = {"credited": number, "awaitingGoods": second, "attachment": attachment, "key": key["key"],
             "photoSha256": __import__("hashlib").sha256(photo).hexdigest()}
finally:
    server.terminate()
    server.wait()
subprocess.run([binary, "worker", "--once"], env=env, check=True, stdout=subprocess.DEVNULL)
import sqlite3
connection = sqlite3.connect(work + "/retour.sqlite")
connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
# Kept as SQL text, not as a database file: the test builds the database from it.
with open(output + "/retour.sql", "w") as dump:
    for statement in connection.iterdump():
        dump.write(statement + "\n")
connection.close()
shutil.move(work + "/files", output + "/files")
shutil.rmtree(work)
with open(output + "/facts.json", "w") as out:
    json.dump(facts, out, indent=1, sort_keys=True)
    out.write("\n")
print("fixture written to", output, facts)
