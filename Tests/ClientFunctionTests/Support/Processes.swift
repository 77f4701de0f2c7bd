import KitCore
import WxPayCore
import WxPayTestSupport

extension ProcessResult {
    /// The result object whatever the envelope: the direct answer, the HTTP answer's `body`, or the tool message's
    /// `content`, parsed.
    func result() throws -> JSONValue {
        let answer = try json()
        if let body = answer["body"]?.stringValue, answer["statusCode"] != nil {
            return try JSONCoding.value(from: Array(body.utf8))
        }
        if let content = answer["content"]?.stringValue, answer["role"] == "tool" {
            return try JSONCoding.value(from: Array(content.utf8))
        }
        return answer
    }

    /// The error code of a failure answer, if any.
    var errorCode: String? { (try? result())?["error"]?["code"]?.stringValue }
}
