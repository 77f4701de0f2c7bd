import KitCore

/// How an event arrived (docs/envelopes.md).
public enum Envelope: Sendable, Equatable {
    /// The function's own input object.
    case direct
    /// An HTTP request. `gateway` is true when the event came from API Gateway or a function URL (it has
    /// `requestContext`): the answer then holds only `statusCode`, `headers` and `body`. `scf` is true for Tencent
    /// Cloud SCF's API Gateway trigger event, whose integration response also needs `isBase64Encoded`.
    case http(gateway: Bool, scf: Bool = false)
    /// An OpenAI tool call; the answer is a `tool` message for `callID`.
    case toolCall(callID: String, name: String)
}

/// One parsed event: its envelope plus the payload the function works on.
public struct FunctionRequest: Sendable {
    /// How the event arrived.
    public let envelope: Envelope
    /// HTTP headers with lower-cased names (HTTP envelopes only).
    public let headers: [String: String]
    /// The raw HTTP body bytes after base64 decoding (HTTP envelopes only). Signatures are checked over these.
    public let body: [UInt8]
    /// HTTP method, when the envelope says (`httpMethod` or `requestContext.http.method`).
    public let method: String?
    /// The direct object, or the tool call's parsed arguments.
    private let payload: JSONValue?

    /// An HTTP request as API Gateway would hand it over (`gateway`: the answer is only `statusCode`, `headers`,
    /// `body`); an HTTP server builds it straight from the connection. Header names are lower-cased here.
    public init(httpMethod: String, headers: [String: String], body: [UInt8], gateway: Bool = true) {
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.init(envelope: .http(gateway: gateway), headers: lowered, body: body, method: httpMethod, payload: nil)
    }

    private init(envelope: Envelope, headers: [String: String], body: [UInt8], method: String?, payload: JSONValue?) {
        self.envelope = envelope
        self.headers = headers
        self.body = body
        self.method = method
        self.payload = payload
    }

    /// Case-insensitive header lookup.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The function's input object: the direct object, the tool arguments, or the HTTP body parsed as JSON.
    public func input() throws(FunctionError) -> JSONValue {
        if let payload { return payload }
        guard !body.isEmpty else { throw .badEvent("the HTTP body is empty; expected the input JSON object") }
        guard let value = try? JSONCoding.value(from: body) else { throw .notJSON("the HTTP body does not parse") }
        guard value.objectValue != nil else { throw .badEvent("the input must be a JSON object") }
        return value
    }

    /// Decodes the input object into `T`, turning decoding failures into `INVALID_FIELD` errors that name the field.
    public func decode<T: Decodable>(_ type: T.Type) throws(FunctionError) -> T {
        try FunctionRequest.decode(T.self, from: try input())
    }

    /// Decodes a JSON value into `T` with `INVALID_FIELD` errors that name the field (tool arguments, MCP calls).
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(FunctionError) -> T {
        try JSONCoding.decodeInput(T.self, from: value)
    }

    /// Parses raw event bytes into a request.
    /// - Parameter tools: tool names this executable serves (a tool call naming another is `UNKNOWN_TOOL`).
    /// - Throws: ``EnvelopeError``, which carries the envelope whenever it could be told, so that even a bad event
    ///   is answered in its envelope's shape (a tool message for a tool call, an HTTP response behind a gateway).
    public static func parse(_ bytes: [UInt8], tools: [String]) throws(EnvelopeError) -> FunctionRequest {
        guard let value = try? JSONCoding.value(from: bytes) else {
            throw EnvelopeError(envelope: nil, error: .notJSON("stdin does not hold one JSON value"))
        }
        guard let object = value.objectValue else {
            throw EnvelopeError(envelope: nil, error: .badEvent("the event must be a JSON object"))
        }

        if let function = object["function"]?.objectValue, let name = function["name"]?.stringValue {
            let callID = object["id"]?.stringValue ?? object["tool_call_id"]?.stringValue ?? ""
            let envelope = Envelope.toolCall(callID: callID, name: name)
            func fail(_ error: FunctionError) -> EnvelopeError { EnvelopeError(envelope: envelope, error: error) }
            guard tools.contains(name) else { throw fail(.unknownTool(name, served: tools)) }
            let arguments: JSONValue
            switch function["arguments"] {
            case .string(let text)?:
                guard let parsed = try? JSONCoding.value(from: Array(text.utf8)) else {
                    throw fail(.notJSON("function.arguments is not a JSON string of an object"))
                }
                arguments = parsed
            case .object(let o)?: arguments = .object(o)
            case nil, .null?: arguments = .object([:])
            default: throw fail(.badEvent("function.arguments must be a JSON string"))
            }
            guard arguments.objectValue != nil else { throw fail(.badEvent("function.arguments must encode an object")) }
            return FunctionRequest(envelope: envelope, headers: [:], body: [], method: nil, payload: arguments)
        }

        let looksHTTP = object["requestContext"] != nil || object["httpMethod"] != nil || object["rawPath"] != nil
            || object["headers"]?.objectValue != nil || (object["body"] != nil && object["isBase64Encoded"] != nil)
        if looksHTTP {
            let envelope = Envelope.http(gateway: object["requestContext"] != nil, scf: isSCFGatewayEvent(object))
            var headers: [String: String] = [:]
            for (name, v) in object["headers"]?.objectValue ?? [:] {
                if let s = v.stringValue { headers[name.lowercased()] = s }
            }
            for (name, v) in object["multiValueHeaders"]?.objectValue ?? [:] where headers[name.lowercased()] == nil {
                if let first = v.arrayValue?.first?.stringValue { headers[name.lowercased()] = first }
            }
            // Payload 2.0 moves cookies out of the headers.
            if headers["cookie"] == nil, let cookies = object["cookies"]?.arrayValue, !cookies.isEmpty {
                headers["cookie"] = cookies.compactMap(\.stringValue).joined(separator: "; ")
            }
            var body: [UInt8] = []
            switch object["body"] {
            case .string(let text)?:
                // A boolean; some SCF API Gateway configurations send the string "true".
                if object["isBase64Encoded"]?.boolValue == true || object["isBase64Encoded"]?.stringValue == "true" {
                    guard let decoded = Base64Codec.standard.decode(text) else {
                        throw EnvelopeError(envelope: envelope, error: .badEvent("body is not valid base64"))
                    }
                    body = decoded
                } else {
                    body = Array(text.utf8)
                }
            case nil, .null?: break
            default: throw EnvelopeError(envelope: envelope, error: .badEvent("body must be a string"))
            }
            let method = object["httpMethod"]?.stringValue ?? object["requestContext"]?["http"]?["method"]?.stringValue
            return FunctionRequest(envelope: envelope, headers: headers, body: body, method: method, payload: nil)
        }
        return FunctionRequest(envelope: .direct, headers: [:], body: [], method: nil, payload: value)
    }

    /// Tencent Cloud SCF's API Gateway trigger event: `requestContext.serviceId` (AWS names its API `apiId`), or
    /// the members only SCF sends (`headerParameters`, and `queryString` beside `queryStringParameters`).
    static func isSCFGatewayEvent(_ object: [String: JSONValue]) -> Bool {
        object["requestContext"]?["serviceId"]?.stringValue != nil || object["headerParameters"] != nil
            || object["queryString"]?.objectValue != nil
    }
}

/// A bad event, with the envelope it arrived in when that could be told.
public struct EnvelopeError: Error, Sendable {
    /// The envelope, or `nil` when the event is not even a JSON object.
    public let envelope: Envelope?
    /// What is wrong.
    public let error: FunctionError
}

/// What a handler returns.
public struct FunctionResult: Sendable {
    /// HTTP status for HTTP envelopes.
    public let statusCode: Int
    /// The result object (direct output, HTTP body, tool message content).
    public let body: JSONValue
    /// For plain HTTP envelopes only: extra top-level keys of the answer (the webhook's `event`).
    public let extras: [String: JSONValue]

    /// Creates a result.
    public init(body: JSONValue, statusCode: Int = 200, extras: [String: JSONValue] = [:]) {
        self.body = body
        self.statusCode = statusCode
        self.extras = extras
    }
}

/// Renders results and errors in the shape the envelope calls for.
enum Renderer {
    static func render(_ result: FunctionResult, for envelope: Envelope) -> JSONValue {
        switch envelope {
        case .direct:
            return result.body
        case .toolCall(let callID, _):
            return toolMessage(callID: callID, content: result.body)
        case .http(let gateway, let scf):
            var answer = httpAnswer(status: result.statusCode, body: result.body, scf: scf)
            if !gateway, case .object(var o) = answer {
                for (k, v) in result.extras { o[k] = v }
                answer = .object(o)
            }
            return answer
        }
    }

    static func render(_ error: FunctionError, for envelope: Envelope?, httpErrorBody: (FunctionError) -> JSONValue)
        -> JSONValue
    {
        switch envelope {
        case .direct?, nil: return error.jsonObject
        case .toolCall(let callID, _)?: return toolMessage(callID: callID, content: error.jsonObject)
        case .http(_, let scf)?: return httpAnswer(status: error.httpStatus, body: httpErrorBody(error), scf: scf)
        }
    }

    static func toolMessage(callID: String, content: JSONValue) -> JSONValue {
        let text = (try? JSONCoding.string(content)) ?? "{}"
        return ["role": "tool", "tool_call_id": .string(callID), "content": .string(text)]
    }

    /// `{statusCode, headers, body}`; for SCF's API Gateway also `isBase64Encoded` (always false: bodies are JSON).
    static func httpAnswer(status: Int, body: JSONValue, scf: Bool = false) -> JSONValue {
        let text = (try? JSONCoding.string(body)) ?? "{}"
        var answer: [String: JSONValue] = [
            "statusCode": .int(Int64(status)),
            "headers": ["content-type": "application/json"],
            "body": .string(text),
        ]
        if scf { answer["isBase64Encoded"] = false }
        return .object(answer)
    }
}
