#!/usr/bin/env python3
"""The peer for Benchmarks/server: what a Python team would deploy for POST /webhook. FastAPI on uvicorn, the
wechatpayv3 SDK verifying the signature and decrypting the resource, and the same hand-off as wxpay-server's
WXPAY_EVENTS_FILE: one JSON line appended under an exclusive flock, then fsync, before answering 200.

    WXPAY_SECRETS_FILE=... WXPAY_EVENTS_FILE=... uvicorn fastapi_webhook:app --port 8091 --workers 2 --no-access-log

Like the process benchmark's peer (Benchmarks/webhook/wechatpayv3_webhook.py) it reads the secrets once per worker
(wechatpayv3 keeps its client), does no timestamp-window or merchant check (wxpay-server does both, and scores risk),
and defaults the Wechatpay-Signature-Type header when absent.
"""
import fcntl
import json
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from wechatpayv3 import WeChatPay, WeChatPayType

with open(os.environ["WXPAY_SECRETS_FILE"], encoding="utf-8") as f:
    SECRETS = json.load(f)
(PUBLIC_KEY_ID, PUBLIC_KEY), = SECRETS["wechatpay_public_keys"].items()
WXPAY = WeChatPay(
    wechatpay_type=WeChatPayType.NATIVE,
    mchid=SECRETS["mchid"],
    private_key=SECRETS["merchant_private_key"],
    cert_serial_no=SECRETS["merchant_serial_no"],
    appid=SECRETS["appid"],
    apiv3_key=SECRETS["apiv3_key"],
    public_key=PUBLIC_KEY,
    public_key_id=PUBLIC_KEY_ID,
)
EVENTS = os.environ["WXPAY_EVENTS_FILE"]

app = FastAPI()


def hand_off(event: dict) -> None:
    line = (json.dumps(event, ensure_ascii=False) + "\n").encode()
    fd = os.open(EVENTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


@app.post("/webhook")
async def webhook(request: Request):
    body = (await request.body()).decode()
    headers = dict(request.headers)
    headers.setdefault("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048")
    # wechatpayv3 reads the header names as WeChat Pay spells them.
    spelled = {"Wechatpay-Signature": headers.get("wechatpay-signature"),
               "Wechatpay-Timestamp": headers.get("wechatpay-timestamp"),
               "Wechatpay-Nonce": headers.get("wechatpay-nonce"),
               "Wechatpay-Serial": headers.get("wechatpay-serial"),
               "Wechatpay-Signature-Type": headers.get("wechatpay-signature-type")}
    event = WXPAY.callback(headers=spelled, body=body)
    if not event:
        return JSONResponse({"code": "FAIL", "message": "signature or decryption failed"}, status_code=401)
    hand_off(event)
    return JSONResponse({"code": "SUCCESS", "message": "成功"})
