import PaymentFunctions
import WxPayOperations

// refund-status: the state of a refund by its out_refund_no (docs/functions.md#refund-status).
PaymentFunction.main(
    .getRefundStatus, name: "refund-status",
    summary: "Report a refund's status (WeChat Pay's refund query by out_refund_no).",
    discussion: """
        INPUT   {"out_refund_no": "..."} (what refund answered; 1 to 64 characters of [0-9A-Za-z_|*@-]).
        OUTPUT  {"refund_id","out_refund_no","out_trade_no","intent_id","transaction_id","status": processing|succeeded|
                closed|abnormal,"wechat_status","amount","total_amount","currency","created_at"?,"success_time"?,
                "next_action"? (processing, abnormal)}. Unknown refund: REFUND_NOT_FOUND, exit 1.
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_TIME_BUDGET_MS, WXPAY_MAX_ATTEMPTS, LOG_LEVEL.
        """)
