import KitCore
import WxPayCore

/// The `pii-redact` and `pii-restore` contracts (docs/functions.md) as pure functions of the input and the sealing
/// key, shared by the executables and the tests.
///
/// `pii-redact` takes `{"text": "..."}` or `{"json": ...}`, optionally with the `mapping` of an earlier turn of
/// the same conversation (numbering then continues: an identifier seen before keeps its placeholder), and answers
/// the same key redacted plus `mapping` (the sealed ``PlaceholderMap``) and `counts` (occurrences replaced per
/// kind, every kind listed). `pii-restore` takes `text` or `json` plus `mapping` and answers the same key restored
/// plus `unknown_placeholders`. A mapping that does not authenticate is refused whole: `MAPPING_TAMPERED`, exit 77.
public enum PrivacyProxy {
    /// The input members each function accepts.
    static let redactMembers: Set<String> = ["text", "json", "mapping"]
    static let restoreMembers: Set<String> = ["text", "json", "mapping"]

    /// The payload to transform.
    enum Payload {
        case text(String)
        case json(JSONValue)
    }

    /// The sealer under the secrets file's `sm4_key`.
    /// - Throws: `SECRETS_INVALID` (exit 78) naming `sm4_key` when it is absent.
    public static func sealer(from secrets: Secrets) throws(WxPayError) -> Sealer {
        guard let key = secrets.sm4KeyBytes else {
            throw .secretsInvalid("sm4_key", "is required by pii-redact and pii-restore (32 hexadecimal characters)")
        }
        do { return try Sealer(key: key) } catch {
            throw .secretsInvalid("sm4_key", "must be 32 hexadecimal characters (16 bytes)")
        }
    }

    /// `pii-redact`: redacts `text` or `json` and seals the mapping.
    /// - Returns: the output object, and the per-kind counts (for logging).
    /// - Throws: `INVALID_FIELD`/`BAD_EVENT` (65) for a bad input, `MAPPING_TAMPERED` (77) for a continued mapping
    ///   that does not authenticate.
    public static func redact(
        _ input: JSONValue, sealer: Sealer, detector: PIIDetector = .standard
    ) throws(WxPayError) -> (output: JSONValue, counts: [PIIKind: Int]) {
        let members = try object(input, allowed: redactMembers)
        let payload = try payload(members)
        var map = PlaceholderMap()
        if let mapping = members["mapping"], mapping != .null {
            map = try openMapping(mapping, sealer: sealer)
        }
        var redactor = Redactor(detector: detector, continuing: map)
        var output: [String: JSONValue] = [:]
        switch payload {
        case .text(let text): output["text"] = .string(redactor.redact(text))
        case .json(let json): output["json"] = try redactor.redact(json: json)
        }
        do {
            output["mapping"] = .string(try redactor.map.sealed(with: sealer))
        } catch {
            throw .internalError("sealing the mapping failed: \(error.message)")
        }
        var counts: [String: JSONValue] = [:]
        for kind in PIIKind.allCases { counts[kind.countKey] = .int(Int64(redactor.counts[kind] ?? 0)) }
        output["counts"] = .object(counts)
        return (.object(output), redactor.counts)
    }

    /// `pii-restore`: restores `text` or `json` from the sealed `mapping`.
    /// - Returns: the output object, and how many placeholders were restored (for logging).
    /// - Throws: `INVALID_FIELD`/`BAD_EVENT` (65) for a bad input, `MAPPING_TAMPERED` (77) for a mapping that does
    ///   not authenticate (nothing is restored then).
    public static func restore(_ input: JSONValue, sealer: Sealer) throws(WxPayError) -> (output: JSONValue, restored: Int) {
        let members = try object(input, allowed: restoreMembers)
        let payload = try payload(members)
        guard let mapping = members["mapping"], mapping != .null else {
            throw .invalidField("mapping", "is required: the mapping string pii-redact returned")
        }
        var restorer = Restorer(map: try openMapping(mapping, sealer: sealer))
        var output: [String: JSONValue] = [:]
        switch payload {
        case .text(let text): output["text"] = .string(restorer.restore(text))
        case .json(let json): output["json"] = try restorer.restore(json: json)
        }
        output["unknown_placeholders"] = .array(restorer.unknownPlaceholders.map(JSONValue.string))
        return (.object(output), restorer.restoredCount)
    }

    // MARK: Input

    static func object(_ input: JSONValue, allowed: Set<String>) throws(WxPayError) -> [String: JSONValue] {
        guard let members = input.objectValue else { throw .badEvent("the input must be a JSON object") }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidField(unknown, "is not an input of this function (expected \(allowed.sorted().joined(separator: ", ")))")
        }
        return members
    }

    static func payload(_ members: [String: JSONValue]) throws(WxPayError) -> Payload {
        let text = members["text"].flatMap { $0 == .null ? nil : $0 }
        let json = members["json"].flatMap { $0 == .null ? nil : $0 }
        switch (text, json) {
        case (nil, nil): throw .invalidField("text", "give either text (a string) or json (any JSON value)")
        case (.some, .some): throw .invalidField("json", "give either text or json, not both")
        case (let t?, nil):
            guard let string = t.stringValue else { throw .invalidField("text", "must be a string") }
            return .text(string)
        case (nil, let j?):
            return .json(j)
        }
    }

    /// Opens a sealed mapping: all or nothing.
    static func openMapping(_ value: JSONValue, sealer: Sealer) throws(WxPayError) -> PlaceholderMap {
        guard let text = value.stringValue, !text.isEmpty else {
            throw .invalidField("mapping", "must be the non-empty mapping string pii-redact returned")
        }
        do {
            return try PlaceholderMap(sealed: text, sealer: sealer)
        } catch {
            switch error.code {
            case .malformed, .unsupportedVersion, .authenticationFailed:
                throw mappingTampered(error)
            case .invalidKey:
                throw .secretsInvalid("sm4_key", "must be 32 hexadecimal characters (16 bytes)")
            case .cryptoFailure:
                throw .internalError("opening the mapping failed: \(error.message)")
            }
        }
    }

    /// `MAPPING_TAMPERED` (exit 77): the mapping failed its integrity check and was not used at all.
    static func mappingTampered(_ error: SealError) -> WxPayError {
        WxPayError.authentication(
            "MAPPING_TAMPERED",
            "the mapping failed its integrity check and was not used: \(error.message)"
        ).with("reason", .string(error.code.rawValue))
    }
}
