import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Every operation of the API, in the order of `../shared/spec/api.md`. `OpenAPITests` check that
/// these are exactly the routes the application registers.
extension APIOperation {
    static var all: [APIOperation] {
        accountsAndImport + linesAndCart + requests + recovery + integrations + operations
    }

    static var accountsAndImport: [APIOperation] {
        [
            .init(
                .GET, .openAPI, "openapi", "This document", security: false, answers: [200: .schema(["type": "object"])]
            ),
            .init(
                .POST, .token, "createToken", "Exchange e-mail and password for a bearer token", security: false,
                body: .json(TokenController.Credentials.self), answers: [200: .json(TokenController.TokenAnswer.self)],
                refusals: [401, 429]),
            .init(
                .POST, .passwordReset, "requestPasswordReset",
                "Mail a one-time link to choose a new password (valid 60 minutes); the same answer whether or not the address is known",
                security: false, body: .json(PasswordResetAPIController.Body.self),
                answers: [202: .json(PasswordResetAPIController.Accepted.self)], refusals: [422, 429]),
            .init(
                .POST, .importDocument, "importDocument",
                "Import companies, users, brands, articles and invoices (admin; all or nothing)",
                body: .json(ImportDocumentSections.self), answers: [200: .json(ImportCounts.self)], refusals: [422]),
            .init(
                .GET, .policies, "listPolicies", "The policy in force and its versions (admin)",
                answers: [200: .json(PolicyAPIController.PolicyList.self)]),
            .init(
                .POST, .policies, "createPolicy",
                "A new policy version (admin), in force from effectiveFrom (default today)",
                body: .json(PolicyAPIController.NewVersion.self),
                answers: [201: .json(PolicyAPIController.VersionView.self)], refusals: [422]),
            .init(
                .POST, .policiesWhatIf, "policyWhatIf",
                "How a draft policy would change the decisions on the lines of the last N days (admin)",
                body: .json(PolicyAPIController.WhatIfRequest.self),
                answers: [200: .json(PolicyAPIController.WhatIfAnswer.self)], refusals: [422]),
        ]
    }

    static var linesAndCart: [APIOperation] {
        [
            .init(
                .GET, .lines, "findLines", "Find invoice lines by period and/or number",
                query: [
                    query("period", oneOf: [""] + Period.allCases.map(\.rawValue)), query(dayOrBlank: "from"),
                    query(dayOrBlank: "to"), query("number"),
                    query("numberType", oneOf: [""] + NumberType.allCases.map(\.rawValue)),
                    query("kind", oneOf: [""] + DocumentKind.allCases.map(\.rawValue)),
                    query("page", in: 1...1_000_000), query("per", in: 1...LineSearch.maximumPer),
                ], answers: [200: .json(LineSearchResult.self)], refusals: [422]),
            .init(
                .GET, .line, "getLine", "One invoice line of the caller's company",
                answers: [200: .json(LineView.self)],
                refusals: [404]),
            .init(
                .GET, .lineReasons, "lineReasons",
                "Every reason for one line: enabled or why not, deadline, outcome, keep offer",
                answers: [200: .json(ReasonsAnswer.self)], refusals: [404]),
            .init(
                .GET, .lineMaterial, "identifyMaterial",
                "Wrong delivery, option B: the article with this EAN, manufacturer model or article number, whatever its case",
                query: [query("code")], answers: [200: .json(Material.Answer.self)], refusals: [404, 422]),
            .init(
                .POST, .attachments, "uploadAttachment",
                "Upload one file (multipart field file): DOC, DOCX, PDF, JPG, PNG by content, ≤ 20 MB", body: .file,
                answers: [201: .json(AttachmentStore.Stored.self)]),
            .init(
                .GET, .attachment, "downloadAttachment", "An attachment of the caller's company",
                pathSchemas: ["id": ["type": "string", "pattern": "^[0-9a-f-]{1,64}$"]],
                answers: [
                    200: .bytes(
                        "The file, of the type it was judged to be by its content",
                        FileKind.allCases.map(\.contentType))
                ], refusals: [404]),
            .init(
                .GET, .cart, "getCart", "The caller's cart, with deadline warnings",
                answers: [200: .json(CartAPIController.CartAnswer.self)]),
            .init(
                .POST, .cartPositions, "addPosition",
                "Add a position (line, reason, quantity, serials, fields, attachments, returnAddress)",
                body: .json(PositionBody.self), answers: [201: .json(PositionView.self)], refusals: [404, 409, 422]),
            .init(
                .PUT, .cartPosition, "replacePosition", "Edit a position: its whole new content, checked as when added",
                body: .json(PositionBody.self), answers: [200: .json(PositionView.self)], refusals: [404, 409, 422]),
            .init(
                .DELETE, .cartPosition, "removePosition", "Remove a position from the cart",
                answers: [204: .empty("Removed")], refusals: [404]),
            .init(
                .POST, .cartSubmit, "submitCart",
                "Submit the cart: one request per position (Idempotency-Key header supported)",
                headers: [
                    ["name": "Idempotency-Key", "in": "header", "required": false, "schema": ["type": "string"]]
                ],
                answers: [201: .json(SubmissionAnswer.self), 202: .json(SubmissionAnswer.Waiting.self)],
                refusals: [409, 422]),
            .init(
                .POST, .cartBulk, "bulkRegister",
                "Many cart positions from CSV (columns invoice, position, reason, quantity, serials and the form's fields); dryRun=true stores nothing",
                query: [query("dryRun", oneOf: ["", "true", "false", "1", "0"])], body: .csv,
                answers: [200: .json(BulkRegistration.Answer.self)], refusals: [422]),
            .init(
                .GET, .cartBulkTemplate, "bulkTemplate",
                "The CSV template for bulk registration (every column, two example rows)",
                answers: [200: .bytes("CSV, semicolon-separated, with a byte order mark", ["text/csv"])]),
            .init(
                .GET, .approvals, "listApprovals",
                "Submissions of the caller's company that wait for approval (status=waiting|approved|rejected); needs the right approve",
                query: [query("status", oneOf: ApprovalStatus.allCases.map(\.rawValue))] + paging(per: 100),
                answers: [200: .json(ApprovalsController.ListAnswer.self)]),
            .init(
                .POST, .approval, "decideApproval",
                "Approve (submits as the submitter, every rule re-checked as of now) or reject (back to the submitter's cart, a message required)",
                body: .json(ApprovalsController.DecisionBody.self),
                answers: [200: .json(ApprovalsController.DecisionAnswer.self)], refusals: [404, 409, 422]),
        ]
    }

    static var requests: [APIOperation] {
        let request = [200: Answer.json(RequestView.self)]
        return [
            .init(
                .GET, .requests, "listRequests",
                "The caller's requests (state=open|archived, status, number, page, per)",
                query: [
                    query("state", oneOf: [RequestQueries.State.open, .archived].map(\.rawValue)),
                    query("status", oneOf: RequestStatus.allCases.map(\.rawValue)), query("number"),
                    query("page", in: 1...100_000), query("per", in: 1...500),
                ], answers: [200: .json(RequestList.self)], refusals: [422]),
            .init(
                .GET, .request, "getRequest", "One request with its events and credit note", answers: request,
                refusals: [404]),
            .init(
                .GET, .requestCreditNote, "creditNotePDF", "The credit note as PDF (404 until there is one)",
                answers: [200: .bytes("PDF", ["application/pdf"])], refusals: [404]),
            .init(
                .GET, .requestCreditNoteXML, "creditNoteUBL",
                "The credit note as UBL 2.1 (Peppol BIS Billing 3.0; an invoice, type 380, when kept goods are charged)",
                answers: [200: .bytes("UBL CreditNote or Invoice", ["application/xml"])], refusals: [404]),
            .init(
                .GET, .requestReturnForm, "returnFormPDF", "The return form with the RMA number as QR code",
                answers: [200: .bytes("PDF", ["application/pdf"])], refusals: [404]),
            .init(
                .POST, .requestDecision, "decide", "Agent: approve, reject or request_info with a message",
                body: .json(RequestsAPIController.DecisionBody.self), answers: request, refusals: [404, 409, 422]),
            .init(
                .POST, .requestReceipt, "receiveGoods",
                "Agent: goods received (quantity, serials, condition, note); differences are flagged",
                body: .json(RequestsAPIController.Receipt.self), answers: request, refusals: [404, 409, 422]),
            .init(
                .POST, .requestCredit, "credit", "Agent: issue the credit note (default: the computed amount)",
                body: .json(RequestsAPIController.CreditBody.self), answers: request, refusals: [404, 409, 422]),
            .init(
                .POST, .requestExtend, "extend", "Renew an RMA number for 5 days (a reseller once, after expiry)",
                answers: request, refusals: [404, 409]),
            .init(.POST, .requestClose, "close", "Agent: close a request", answers: request, refusals: [404, 409]),
            .init(
                .POST, .requestMessages, "message", "A message on the request's thread (reseller or agent)",
                body: .json(RequestsAPIController.MessageBody.self), answers: request, refusals: [404, 409, 422]),
        ]
    }

    static var recovery: [APIOperation] {
        let claim = [200: Answer.json(VendorClaimView.self)]
        return [
            .init(
                .POST, .requestDisposition, "recordDisposition",
                "Agent: what becomes of the received units (replaces those not yet sent to the vendor); units for the vendor join the brand's open claim",
                body: .json(VendorRecoveryAPIController.DispositionBody.self),
                answers: [200: .json(VendorRecoveryAPIController.RequestWithDispositions.self)],
                refusals: [404, 409, 422]),
            .init(
                .POST, .requestReplacement, "shipReplacement",
                "Agent: the approved advance replacement is shipped; the defective unit is due back RETOUR_REPLACEMENT_RETURN_DAYS later",
                body: .json(VendorRecoveryAPIController.ReplacementBody.self), answers: [200: .json(RequestView.self)],
                refusals: [404, 409, 422]),
            .init(
                .GET, .vendorClaims, "listVendorClaims",
                "Agent: vendor claims, the oldest first (state=open|sent|settled)",
                query: [query("state", oneOf: VendorClaimList.allCases.map(\.rawValue))] + paging(per: 100),
                answers: [200: .json(VendorClaimPage.self)], refusals: [422]),
            .init(.GET, .vendorClaim, "getVendorClaim", "Agent: one vendor claim", answers: claim, refusals: [404]),
            .init(
                .POST, .vendorClaimSend, "sendVendorClaim",
                "Agent: the claim goes to the manufacturer with its RMA number",
                body: .json(VendorRecoveryAPIController.SendBody.self), answers: claim, refusals: [404, 409, 422]),
            .init(
                .POST, .vendorClaimCredit, "creditVendorClaim",
                "Agent: a credit from the manufacturer; partial credits add up",
                body: .json(VendorRecoveryAPIController.CreditBody.self), answers: claim, refusals: [404, 409, 422]),
            .init(
                .POST, .vendorClaimWriteOff, "writeOffVendorClaim",
                "Agent: closes what the manufacturer will not pay, with the reason",
                body: .json(VendorRecoveryAPIController.WriteOffBody.self), answers: claim, refusals: [404, 409, 422]),
            .init(
                .GET, .vendorClaimPacket, "vendorClaimPacket",
                "Agent: the evidence packet (packing list PDF; per unit the fault, the receipt condition and the photos)",
                answers: [200: .bytes("ZIP archive", ["application/zip"])], refusals: [404]),
            .init(
                .GET, .vendorRecovery, "vendorRecovery",
                "Agent: per brand, credits given to resellers from..to and what the manufacturers owe and paid",
                query: [query(day: "from"), query(day: "to")],
                answers: [200: .json(VendorRecoveryAPIController.Report.self)], refusals: [422]),
        ]
    }

    static var integrations: [APIOperation] {
        [
            .init(
                .POST, .apiKeys, "createAPIKey",
                "Make a key for a machine (reseller admin: read, register; admin: import, read_all); the key is shown once",
                body: .json(APIKeysController.CreateBody.self), answers: [201: .json(APIKeysController.Created.self)],
                refusals: [422]),
            .init(
                .GET, .apiKeys, "listAPIKeys", "The keys of the caller's company (an admin: every key)",
                query: paging(per: 500), answers: [200: .json(APIKeysController.KeyList.self)]),
            .init(
                .GET, .apiKey, "getAPIKey", "One key, without the key itself",
                answers: [200: .json(APIKeysController.KeyView.self)], refusals: [404]),
            .init(
                .DELETE, .apiKey, "revokeAPIKey", "Revoke a key: refused from the next request on",
                answers: [204: .empty("Revoked")], refusals: [404]),
            .init(
                .POST, .webhooks, "createWebhook",
                "Subscribe an https address to events (reseller admin: its company; admin: every company); the secret is shown once",
                body: .json(WebhooksController.CreateBody.self), answers: [201: .json(WebhooksController.Created.self)],
                refusals: [409, 422]),
            .init(
                .GET, .webhooks, "listWebhooks", "The caller's webhooks (an admin: every webhook)",
                query: paging(per: 500), answers: [200: .json(WebhooksController.WebhookList.self)]),
            .init(
                .GET, .webhook, "getWebhook", "One webhook, without its secret",
                answers: [200: .json(WebhooksController.WebhookView.self)], refusals: [404]),
            .init(
                .DELETE, .webhook, "deleteWebhook", "Stop a webhook; its delivery log stays",
                answers: [204: .empty("Deleted")], refusals: [404]),
            .init(
                .POST, .webhookRotateSecret, "rotateWebhookSecret",
                "A new secret; the old one keeps signing beside it for 24 hours",
                answers: [200: .json(WebhooksController.Created.self)], refusals: [404]),
            .init(
                .GET, .webhookDeliveries, "listWebhookDeliveries", "The delivery log, newest first",
                query: paging(per: 500), answers: [200: .json(WebhooksController.DeliveryList.self)], refusals: [404]),
            .init(
                .POST, .webhookDeliveryRetry, "retryWebhookDelivery",
                "Send a delivery again (due now, with another day of retries)",
                answers: [200: .json(WebhooksController.DeliveryView.self)], refusals: [404]),
            .init(
                .GET, .stats, "serviceLevels",
                "Agents and admins: per reason and ISO week, requests in, working days to a decision and to a credit (median, 90th percentile, share within target), credited amount; brands by defect requests per 100 lines sold. A range over 5 years is clamped.",
                query: [query(dayOrBlank: "from"), query(dayOrBlank: "to")],
                answers: [200: .json(ServiceLevelReport.self)], refusals: [422]),
            .init(
                .GET, .events, "listEvents",
                "Events in the order they happened, for polling: pass the answer's next as after for the next page",
                query: [
                    query("after", pattern: "^[0-9]{0,18}$"), query("limit", in: 1...EventsController.maximumLimit),
                ],
                answers: [200: .json(EventFeed.self)]),
        ]
    }

    /// The operators' endpoints (contract "Operations"), outside `/api/v1`.
    static var operations: [APIOperation] {
        [
            .init(
                .GET, .healthz, "health", "Liveness: the process answers (no database asked)", security: false,
                answers: [200: .json(OperationsController.HealthAnswer.self)]),
            .init(
                .GET, .readyz, "readiness",
                "Readiness: the database answers and is migrated (503 with Retry-After if not)", security: false,
                answers: [200: .json(OperationsController.HealthAnswer.self)]),
            .init(
                .GET, .metrics, "metrics", "Prometheus text format (administrators)",
                answers: [200: .bytes("Metrics", ["text/plain"])]),
        ]
    }
}
