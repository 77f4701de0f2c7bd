#!/usr/bin/env python3
"""The webhook's job done with the most-used Python SDK, `wechatpayv3`, one process per event.

Reads the same HTTP envelope `webhook` reads (stdin), loads the merchant's keys from the same secrets file
(WXPAY_SECRETS_FILE) every time, verifies the signature and decrypts the resource with
`WeChatPay.callback(headers, body)`, and prints one JSON answer like `webhook`'s plain-envelope answer.
Exit 0 when accepted, 77 when refused (mirroring `webhook`).

Differences worth knowing when reading the numbers: the SDK does no timestamp-window or merchant check (webhook does
both), and it requires the Wechatpay-Signature-Type header, which it defaults here when absent (WeChat Pay sends it;
the simulator's notifications leave it out, which the contract allows).
"""
import json
import os
import sys

from wechatpayv3 import WeChatPay, WeChatPayType


def main() -> int:
    envelope = json.load(sys.stdin)
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
        public_key=public_key,
        public_key_id=public_key_id,
    )
    headers = dict(envelope.get("headers") or {})
    headers.setdefault("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
    event = wxpay.callback(headers=headers, body=envelope.get("body") or "")
    if not event:
        body = {"code": "FAIL", "message": "signature or decryption failed"}
        print(json.dumps({"statusCode": 401, "headers": {"content-type": "application/json"},
                          "body": json.dumps(body)}, ensure_ascii=False))
        return 77
    body = {"code": "SUCCESS", "message": "成功"}
    print(json.dumps({"statusCode": 200, "headers": {"content-type": "application/json"},
                      "body": json.dumps(body, ensure_ascii=False), "event": event}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
