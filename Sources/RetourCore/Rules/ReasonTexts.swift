extension Translations {
    /// A text that may read differently for one reason ("RMA(DOA)-nummer"): `key.<reason>` when the
    /// catalogue has it, else `key`.
    public func forReason(_ key: String, _ reason: ReasonID, _ values: [String: String] = [:]) -> String {
        let specific = "\(key).\(reason.rawValue)"
        return self(texts[specific] == nil ? key : specific, values)
    }

    /// What happens next for a request of `reason` (rulebook §4: the three outcomes).
    public func outcome(of reason: Reason) -> String {
        outcome(reason.outcome, of: reason.id)
    }

    /// What happens next for a request whose outcome is not its reason's (a defect waiting for the
    /// approval of an advance replacement goes to the agent first).
    public func outcome(_ outcome: Outcome, of reason: ReasonID) -> String {
        forReason("outcome.\(outcome.rawValue)", reason)
    }
}
