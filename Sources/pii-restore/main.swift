import FunctionKit
import KitCore
import Logging
import WxPayCore
import WxPayPrivacy

// pii-restore: put identifiers back into a model's answer from the sealed mapping pii-redact made (docs/functions.md).

let descriptor = FunctionDescriptor(
    name: "pii-restore",
    summary: "Restore identifiers in a model's answer from the sealed mapping pii-redact returned.",
    discussion: """
        INPUT   {"text": "..."} or {"json": <any JSON>}, plus "mapping": the sealed mapping from pii-redact.
        OUTPUT  the same key with every placeholder of the mapping replaced by its identifier, plus
                "unknown_placeholders": placeholder-shaped tokens (⟦…⟧) not in the mapping, left as they are.
        ERRORS  65 bad input; 77 MAPPING_TAMPERED (the mapping failed its integrity check: nothing is restored);
                78 SECRETS_INVALID (no sm4_key in the secrets file).
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE (default /run/secrets/wxpay.json; needs sm4_key), LOG_LEVEL.
        """,
    timeBudget: 5
)

FunctionRunner.main(descriptor) { request, context throws(WxPayError) in
    let input = try request.input()
    let sealer = try PrivacyProxy.sealer(from: try Secrets.load(environment: context.environment))
    let (output, restored) = try PrivacyProxy.restore(input, sealer: sealer)
    let unknown = output["unknown_placeholders"]?.arrayValue?.count ?? 0
    context.logger.info("payload restored", metadata: [
        "restored": .stringConvertible(restored), "unknown_placeholders": .stringConvertible(unknown),
    ])
    return FunctionResult(body: output)
}
