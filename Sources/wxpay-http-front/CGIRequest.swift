/// One request as the OpenFaaS classic watchdog hands it to its `fprocess`: the body on stdin, the method, path,
/// query and headers in `Http_*` environment variables (`X-Foo-Bar` becomes `Http_X_Foo_Bar`).
enum CGIRequest {
    /// Variables the watchdog sets that are not request headers.
    static let reserved: Set<String> = ["Http_Method", "Http_Path", "Http_Query", "Http_ContentLength"]

    static func make(environment: [String: String], body: [UInt8]) -> IncomingRequest {
        var headers: [(name: String, value: String)] = []
        for (key, value) in environment.sorted(by: { $0.key < $1.key })
        where key.hasPrefix("Http_") && !reserved.contains(key) {
            // Underscores were hyphens (header names are case-insensitive, so the spelling does not matter).
            let name = String(key.dropFirst("Http_".count).map { $0 == "_" ? "-" : $0 })
            headers.append((name, value))
        }
        let path = environment["Http_Path"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        return IncomingRequest(method: environment["Http_Method"] ?? "POST", path: path,
                               query: environment["Http_Query"] ?? "", headers: headers, body: body)
    }
}
