"""The peer of `wxpay-server`'s POST /webhook: what a Python team would deploy, FastAPI + uvicorn + wechatpayv3.

The same job as the server's webhook route: verify the notification's signature and decrypt its resource with
`WeChatPay.callback(headers, body)`, append the event as one JSON line to WXPAY_EVENTS_FILE (O_APPEND under an
exclusive flock, fsync'ed before the answer, as docs/handoff.md promises for the server), answer WeChat Pay's
{"code": "SUCCESS"}; 401 {"code": "FAIL"} when the notification does not verify, 500 when the hand-off fails.

Where the peer is kinder to itself than the server: it reads the secrets file once at start (the server checks it
on every request, so that a rotated key is used by the next one) and does no timestamp-window or merchant check.

    WXPAY_SECRETS_FILE=... WXPAY_EVENTS_FILE=... uvicorn --app-dir Benchmarks/server peer_fastapi:app --port 8000
"""
import fcntl
import json
import os

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from wechatpayv3 import WeChatPay, WeChatPayType

with open(os.environ.get("WXPAY_SECRETS_FILE", "/run/secrets/wxpay.json"), encoding="utf-8") as f:
    _secrets = json.load(f)
(_key_id, _public_key), = (_secrets.get("wechatpay_public_keys") or {}).items()
wxpay = WeChatPay(
    wechatpay_type=WeChatPayType.NATIVE,
    mchid=_secrets["mchid"],
    private_key=_secrets["merchant_private_key"],
    cert_serial_no=_secrets["merchant_serial_no"],
    appid=_secrets["appid"],
    apiv3_key=_secrets["apiv3_key"],
    public_key=_public_key,
    public_key_id=_key_id,
)
events_path = os.environ["WXPAY_EVENTS_FILE"]
app = FastAPI()


def append_line(line: bytes) -> None:
    fd = os.open(events_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


@app.post("/webhook")
async def webhook(request: Request):
    body = (await request.body()).decode("utf-8")
    headers = dict(request.headers)
    headers.setdefault("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048")
    # wechatpayv3 reads the Wechatpay-* headers by their canonical names
    canonical = {"-".join(p.capitalize() for p in k.split("-")): v for k, v in headers.items()}
    event = wxpay.callback(headers=canonical, body=body)
    if not event:
        return JSONResponse({"code": "FAIL", "message": "signature or decryption failed"}, status_code=401)
    try:
        append_line(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
    except OSError as e:
        return JSONResponse({"code": "FAIL", "message": "hand-off failed: %s" % e.strerror}, status_code=500)
    return JSONResponse({"code": "SUCCESS", "message": "成功"})
