/// The page's words, in Chinese and English.
enum PayPageText {
    /// The intent states the page can show.
    static let states = ["requires_confirmation", "succeeded", "refunded", "failed", "closed", "expired"]

    static func table(_ language: PayPage.Language) -> [String: String] {
        language == .zh ? zh : en
    }

    static func state(_ status: String, _ language: PayPage.Language) -> String {
        let t = table(language)
        return t["state." + status] ?? t["state.requires_confirmation"] ?? status
    }

    static let en: [String: String] = [
        "title": "Confirm payment",
        "merchantPrefix": "Pay to ",
        "genericMerchant": "Payment with WeChat Pay",
        "expiresIn": "Expires in",
        "payButton": "Pay with WeChat Pay",
        "openInWeChat": "Open this page in WeChat to pay.",
        "h5Link": "Continue to WeChat Pay",
        "openInBrowser": "Open this page in your phone's browser to pay.",
        "scan": "Scan the code with WeChat to pay.",
        "confirming": "Confirming your payment…",
        "cancelled": "Payment cancelled. You can try again before the time runs out.",
        "notFoundTitle": "Payment not found",
        "notFound": "This payment page does not exist, or its link is incomplete.",
        "state.requires_confirmation": "Waiting for your payment.",
        "state.succeeded": "Paid. Thank you!",
        "state.refunded": "Paid, then refunded.",
        "state.failed": "The payment failed. Nothing was charged.",
        "state.closed": "This payment was cancelled. Nothing was charged.",
        "state.expired": "This payment request has expired. Nothing was charged. "
            + "Go back to the conversation and ask for a new payment link.",
    ]

    static let zh: [String: String] = [
        "title": "确认付款",
        "merchantPrefix": "收款方：",
        "genericMerchant": "微信支付付款",
        "expiresIn": "剩余时间",
        "payButton": "微信支付",
        "openInWeChat": "请在微信中打开此页面完成付款。",
        "h5Link": "前往微信支付",
        "openInBrowser": "请在手机浏览器中打开此页面完成付款。",
        "scan": "请使用微信扫一扫完成付款。",
        "confirming": "正在确认付款…",
        "cancelled": "已取消付款。在时间结束前可以再试一次。",
        "notFoundTitle": "找不到付款",
        "notFound": "此付款页面不存在，或链接不完整。",
        "state.requires_confirmation": "等待付款。",
        "state.succeeded": "付款成功，谢谢！",
        "state.refunded": "已付款，并已退款。",
        "state.failed": "付款失败，未扣款。",
        "state.closed": "此付款已取消，未扣款。",
        "state.expired": "此付款请求已过期，未扣款。请返回对话，重新获取付款链接。",
    ]
}
