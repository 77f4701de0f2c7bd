#!/usr/bin/env python3
"""create-intent's job for the native channel done with the most-used Python SDK, `wechatpayv3`, one process per call.

Reads the same direct event `create-intent` reads (stdin), loads the merchant's keys from the same secrets file
(WXPAY_SECRETS_FILE) every time, places the native order with `WeChatPay.pay(...)` (signed request, answer signature
verified with the platform public key) against `api_base`, and prints an intent like create-intent's.

What it does NOT do that create-intent does (so the comparison favours Python): no input validation, no idempotency
handling (create-intent's single prepay call carries a parameter fingerprint and falls back to a query only when the
order number is taken), no retries, no error mapping.
"""
import datetime
import hashlib
import json
import os
import sys

from wechatpayv3 import WeChatPay, WeChatPayType

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def main() -> int:
    event = json.load(sys.stdin)
    with open(os.environ.get("WXPAY_SECRETS_FILE", "/run/secrets/wxpay.json"), encoding="utf-8") as f:
        secrets = json.load(f)
    public_keys = secrets.get("wechatpay_public_keys") or {}
    if len(public_keys) != 1:
        print(json.dumps({"error": {"code": "SECRETS_INVALID", "message": "one public key expected"}}))
        return 78
    (public_key_id, public_key), = public_keys.items()

    wxpay = WeChatPay(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid=secrets["mchid"],
        private_key=secrets["merchant_private_key"],
        cert_serial_no=secrets["merchant_serial_no"],
        appid=secrets["appid"],
        apiv3_key=secrets["apiv3_key"],
        notify_url=secrets["notify_url"],
        public_key=public_key,
        public_key_id=public_key_id,
        timeout=(2, 10),
    )
    # The SDK hard-codes WeChat Pay's production host; point it at the emulator like create-intent's api_base.
    wxpay._core._gate_way = secrets["api_base"].rstrip("/")

    key = event["idempotency_key"]
    digest = hashlib.sha256(f"wxpay-agent-kit/order/v1\n{secrets['mchid']}\n{key}".encode()).hexdigest()
    out_trade_no = f"ai{digest[:24]}-1"
    expires_at = (datetime.datetime.now(CHINA) + datetime.timedelta(seconds=event.get("expires_in", 300)))
    expires_at = expires_at.replace(microsecond=0).isoformat()
    code, message = wxpay.pay(
        description=event["description"],
        out_trade_no=out_trade_no,
        amount={"total": event["amount"], "currency": "CNY"},
        time_expire=expires_at,
        attach=json.dumps({"ik": key}, separators=(",", ":")),
        pay_type=WeChatPayType.NATIVE,
    )
    if code != 200:
        print(json.dumps({"error": {"code": "WECHAT_REFUSED", "message": f"HTTP {code}: {message}"}}))
        return 1
    answer = json.loads(message)
    print(json.dumps({
        "intent_id": out_trade_no, "out_trade_no": out_trade_no, "status": "requires_confirmation",
        "channel": "native", "amount": event["amount"], "currency": "CNY", "expires_at": expires_at,
        "confirmation_url": answer["code_url"], "idempotency_key": key, "replayed": False,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
