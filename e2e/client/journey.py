"""A reseller's whole journey through a client generated from Retour's OpenAPI document by
openapi-python-client, with no hand-written call: a token, a search, the reasons of a line, a
position added, the cart submitted, the request read back. Run by scripts/api-client.sh with the
generated package on sys.path; any answer the document does not describe makes the client throw.

usage: journey.py BASE_URL EMAIL PASSWORD
"""
import sys

from retour_api_client import AuthenticatedClient, Client
from retour_api_client.api.default import (
    add_position, create_token, find_lines, get_request, line_reasons, list_requests, submit_cart)
from retour_api_client.models import (
    Credentials, FieldsCommercialReturn, FindLinesPeriod, LineSearchResult, Position,
    PositionBodyCommercialReturn, PositionBodyCommercialReturnReason, Reasons, Request, RequestList, Submission,
    Token)

base, email, password = sys.argv[1:4]


def expect(value, kind, what):
    if not isinstance(value, kind):
        raise SystemExit(f"{what}: expected {kind.__name__}, got {value!r}")
    return value


# raise_on_unexpected_status: an answer the document does not list is an error, not a None.
anonymous = Client(base_url=base, raise_on_unexpected_status=True)
token = expect(create_token.sync(client=anonymous, body=Credentials(email=email, password=password)), Token, "token")
client = AuthenticatedClient(base_url=base, token=token.token, raise_on_unexpected_status=True)

found = expect(find_lines.sync(client=client, period=FindLinesPeriod.VALUE_5, per=100), LineSearchResult, "search")
lines = [line for document in found.documents for line in document.lines]
print(f"found {len(lines)} lines in two months")
chosen = None
for line in lines:
    reasons = expect(line_reasons.sync(id=line.id, client=client), Reasons, f"reasons of line {line.id}")
    # Every reason of the document's enum answers, and a refused one says why (the alternative may be null).
    assert len(reasons.reasons) == len(type(reasons.reasons[0].id)), reasons
    commercial = next(r for r in reasons.reasons if r.id.value == "commercial_return")
    if not commercial.enabled:
        assert commercial.explanation, "a refused reason explains why"
        continue
    if line.serials and not line.claimable_serials:
        continue
    chosen = line
    break
if chosen is None:
    raise SystemExit("no line of the demo allows a commercial return")
print(f"line {chosen.id} ({chosen.article}) may go back as a commercial return")

serials = list(chosen.claimable_serials[:1]) if chosen.serials else []
position = expect(
    add_position.sync(
        client=client,
        body=PositionBodyCommercialReturn(
            line=chosen.id, reason=PositionBodyCommercialReturnReason.COMMERCIAL_RETURN, quantity=1,
            serials=serials, fields=FieldsCommercialReturn(sealed_declaration=True, comment="Via the generated client"))),
    Position, "add position")
submitted = expect(submit_cart.sync(client=client, idempotency_key=f"journey-{position.id}"), Submission, "submit")
number = submitted.requests[0].number
request = expect(get_request.sync(number=number, client=client), Request, "read the request")
assert request.number == number and request.reason.value == "commercial_return", request
assert request.line == chosen.id, request
listed = expect(list_requests.sync(client=client, number=number), RequestList, "list")
assert [r.number for r in listed.requests] == [number], listed
print(f"submitted {number}: {request.status.value}, RMA {request.rma_number}")
