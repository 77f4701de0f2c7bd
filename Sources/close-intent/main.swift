import PaymentFunctions
import WxPayOperations

// close-intent: close an unpaid payment intent (docs/functions.md#close-intent).
PaymentFunction.main(
    .cancelIntent, name: "close-intent",
    summary: "Close an unpaid payment intent so that it can no longer be paid.",
    discussion: """
        INPUT   {"intent_id": "..."} or {"idempotency_key": "..."}.
        OUTPUT  the intent with "status":"closed" ("already_closed": true when it was). A paid intent is refused
                (WECHAT_REFUSED / ORDERPAID, exit 1): refund it instead.
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_TIME_BUDGET_MS, WXPAY_MAX_ATTEMPTS, LOG_LEVEL.
        """)
