import PaymentFunctions
import WxPayOperations

// intent-status: the state of a payment intent, optionally waiting for it to finish (docs/functions.md#intent-status).
PaymentFunction.main(
    .getStatus, name: "intent-status",
    summary: "Report a payment intent's status; with \"wait\", poll until it is paid, closed or expired.",
    discussion: """
        INPUT   {"intent_id": "..."} or {"idempotency_key": "..."} (the latest attempt), "wait"?: seconds (0..600).
        OUTPUT  {"intent_id","status": requires_confirmation|succeeded|expired|closed|refunded|failed,"trade_state",
                "amount","currency","transaction_id"?,"payer_openid"? (when paid),"success_time"?,"expires_at"?}.
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_TIME_BUDGET_MS, WXPAY_MAX_ATTEMPTS, LOG_LEVEL.
        """)
