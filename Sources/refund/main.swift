import PaymentFunctions
import WxPayOperations

// refund: full or partial refund with a factual, screened reason (docs/functions.md#refund).
PaymentFunction.main(
    .refund, name: "refund",
    summary: "Refund a paid intent, fully or partly, with a short factual reason screened for sensitive keywords.",
    discussion: """
        INPUT   one of "out_trade_no" | "intent_id" | "transaction_id"; "amount"? (fen; default: the order total);
                "idempotency_key"; and "reason" (text) or "conversation" ([{"role","content"}]).
        OUTPUT  {"refund_id","out_refund_no","status": processing|succeeded|closed|abnormal,"amount","total_amount",
                "reason" (what was sent, <= 80 characters),"reason_screening","risk","replayed"}.
                The same idempotency key never refunds twice; more than the remainder is REFUND_EXCEEDS_REMAINDER.
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_RISK_RULES, WXPAY_TIME_BUDGET_MS, WXPAY_MAX_ATTEMPTS,
                LOG_LEVEL.
        """)
