import PaymentFunctions
import WxPayOperations

// create-intent: create (or find again) the WeChat Pay order for an agent conversation (docs/functions.md).
PaymentFunction.main(
    .createIntent, name: "create-intent",
    summary: "Create a WeChat Pay v3 payment intent (an order) that the user confirms in WeChat.",
    discussion: """
        INPUT   {"amount": fen, "description": "...", "idempotency_key": "<thread id>", "channel"?: jsapi|miniprogram|
                h5|native|app, "user_openid"? (jsapi/miniprogram), "client"?: {"in_wechat","mini_program","mobile","ip"},
                "expires_in"?: 60..7200 (default 300), "attach"?: {...}, "attempt"?: N, "on_expiry"?: reprompt|fallback_link}
                directly, in an HTTP envelope, or as the create_payment_intent tool call.
        OUTPUT  {"intent_id","status":"requires_confirmation","channel","amount","currency","expires_at",
                "confirmation"|"confirmation_url","idempotency_key","replayed"}; after expiry "status":"expired" with
                "next_action". The same key and parameters always give the same intent; other parameters give
                IDEMPOTENCY_CONFLICT (exit 65).
        ENV     WXPAY_SECRETS_URL or WXPAY_SECRETS_FILE, WXPAY_TIME_BUDGET_MS (default 10000), WXPAY_MAX_ATTEMPTS
                (default 3), LOG_LEVEL.
        """)
