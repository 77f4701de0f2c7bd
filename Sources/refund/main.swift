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
        RISK    "risk" scores the refund; with WXPAY_RISK_STORE (sqlite:PATH or redis://HOST:PORT/DB) also against
                the payer's history across invocations (refund soon after payment, refund ratio), within
                WXPAY_RISK_STORE_TIMEOUT_MS (default 5); a failing store adds the reason history_unavailable.
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_RISK_RULES, WXPAY_RISK_STORE,
                WXPAY_RISK_STORE_TIMEOUT_MS, WXPAY_RISK_STORE_RETENTION_S, WXPAY_RISK_STORE_MAX_ENTRIES,
                WXPAY_TIME_BUDGET_MS, WXPAY_MAX_ATTEMPTS, LOG_LEVEL.
        """)
