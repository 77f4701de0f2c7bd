// Turning a JSON object into a typed input, with errors that name the offending field.

extension JSONCoding {
    /// Decodes a JSON value into `T` with `INVALID_FIELD` errors that name the field (tool arguments, MCP calls).
    /// - Parameter integerHint: said after "must be an integer" when a number with a fraction stands where an
    ///   integer belongs (e.g. what unit the amounts are in).
    public static func decodeInput<T: Decodable>(_ type: T.Type, from value: JSONValue, integerHint: String? = nil)
        throws(FunctionError) -> T
    {
        guard value.objectValue != nil else { throw .badEvent("the input must be a JSON object") }
        do {
            return try JSONCoding.decode(T.self, from: JSONCoding.encode(value))
        } catch let error as DecodingError {
            throw describe(error, input: value, integerHint: integerHint)
        } catch {
            throw .badEvent("the input could not be read")
        }
    }

    private static func describe(_ error: DecodingError, input: JSONValue, integerHint: String?) -> FunctionError {
        // JSONDecoder reports a fractional number for an integer field (19.99 for an amount in cents) without a
        // coding path: name the field by finding the fractional number in the input.
        if case .dataCorrupted(let ctx) = error, ctx.codingPath.isEmpty, let field = fractionalField(in: input) {
            return .invalidField(field, "must be an integer" + (integerHint.map { " (\($0))" } ?? ""))
        }
        return describe(error)
    }

    private static func fractionalField(in value: JSONValue, path: String = "") -> String? {
        switch value {
        case .double(let d) where d.rounded() != d || abs(d) >= 9.2e18: return path
        case .object(let o):
            for key in o.keys.sorted() {
                if let found = fractionalField(in: o[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
        case .array(let a):
            for (i, v) in a.enumerated() { if let found = fractionalField(in: v, path: "\(path)[\(i)]") { return found } }
        default: break
        }
        return nil
    }

    private static func describe(_ error: DecodingError) -> FunctionError {
        func path(_ ctx: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = ctx.codingPath + (last.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let ctx): return .invalidField(path(ctx, key), "is required")
        case .typeMismatch(let type, let ctx): return .invalidField(path(ctx), "must be of type \(friendly(type))")
        case .valueNotFound(let type, let ctx): return .invalidField(path(ctx), "must be a \(friendly(type)), not null")
        case .dataCorrupted(let ctx): return .invalidField(path(ctx), "is invalid")
        @unknown default: return .badEvent("the input could not be read")
        }
    }

    private static func friendly(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "integer"
        case is Double.Type: return "number"
        case is Bool.Type: return "boolean"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "array" : name.hasPrefix("Dictionary") ? "object" : name
        }
    }
}
