import FunctionKit
import KitCore
import WxPayCertificates

// download-certificates: WeChat Pay's platform certificates into the secrets file (docs/functions.md#download-certificates).
let descriptor = FunctionDescriptor(
    name: "download-certificates",
    summary: "Download WeChat Pay's platform certificates, verify and decrypt them, and merge them into the secrets file.",
    discussion: """
        INPUT   {} or {"bootstrap": true} (accept an answer signed by a certificate the file does not hold yet:
                docs/secrets.md#platform-certificates).
        OUTPUT  {"status": updated|unchanged|not_used,"mode","certificates":[{"serial_no","effective_time",
                "expire_time","listed"}],"added":[serial],"removed":[serial],"signed_by","bootstrap"}.
                A tampered or unverifiable answer changes nothing (exit 77).
        ENV     WXPAY_SECRETS_FILE (a writable file in a writable directory; the AWS sources cannot be written:
                SECRETS_SOURCE_NOT_FILE), WXPAY_TIME_BUDGET_MS, WXPAY_MAX_ATTEMPTS, LOG_LEVEL.
        """,
    timeBudget: 20)
FunctionRunner.main(descriptor) { request, context throws(FunctionError) in
    FunctionResult(body: try CertificateDownload(environment: context.environment, deadline: context.deadline,
                                                 logger: context.logger, now: context.now)
        .run(arguments: try request.input()))
}
