import FunctionKit
import KitCore
import Logging
import WxPayCore
import WxPayPrivacy

// pii-redact: replace payment and personal identifiers with placeholders before text goes to a model hosted
// outside China (PIPL), and seal the mapping with SM4 (docs/functions.md#pii-redact-and-pii-restore).

let descriptor = FunctionDescriptor(
    name: "pii-redact",
    summary: "Replace payment and personal identifiers with stable placeholders; seal the mapping with SM4.",
    discussion: """
        INPUT   {"text": "..."} or {"json": <any JSON>}, optionally "mapping": the sealed mapping of an earlier turn
                of the same conversation (numbering continues; a known identifier keeps its placeholder).
        OUTPUT  the same key with every identifier replaced by a placeholder such as ⟦OPENID_1⟧ (the same identifier
                always gets the same placeholder), "mapping": "wxs1.…" (SM4-CTR + HMAC-SM3 under sm4_key), and
                "counts": occurrences replaced per kind (openid, transaction_id, out_trade_no, out_refund_no,
                refund_id, phone, id_card, bank_card, email).
        FOUND   openids; transaction ids; this kit's order (ai…-N) and refund (rf…) numbers; any value of the JSON
                keys out_trade_no, intent_id, out_refund_no, refund_id, openid, ...; mainland mobile numbers; resident ID numbers (check digit and birth date verified); Luhn-valid card
                numbers; e-mail addresses.
        ERRORS  65 bad input; 77 MAPPING_TAMPERED (a given mapping failed its integrity check); 78 SECRETS_INVALID
                (no sm4_key in the secrets file).
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE (default /run/secrets/wxpay.json; needs sm4_key), LOG_LEVEL.
        """,
    timeBudget: 5
)

FunctionRunner.main(descriptor) { request, context throws(WxPayError) in
    let input = try request.input()
    let sealer = try PrivacyProxy.sealer(from: try Secrets.load(environment: context.environment))
    let (output, counts) = try PrivacyProxy.redact(input, sealer: sealer)
    var metadata: Logger.Metadata = [:]
    for (kind, n) in counts { metadata[kind.countKey] = .stringConvertible(n) }
    context.logger.info("payload redacted", metadata: metadata)
    return FunctionResult(body: output)
}
