#!/usr/bin/env python3
"""Writes the seed corpora of every fuzz target into Fuzz/corpus/<target>/seed-*.

Seeds come from the repository's own samples (functions/*/ sample events, the official SDKs' known-answer
vectors in Tests/WxPayCoreTests/Vectors, the risk corpus) plus hand-written hostile cases (overflowing
integers, deep nesting, duplicated fields). Deterministic: running it twice writes the same files.
Usage: python3 Fuzz/seed.py
"""
import glob
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fuzz", "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return json.load(f)


HOSTILE_INTS = ["-9223372036854775808", "9223372036854775807", "9223372036854775808", "-1", "0", "+300",
                "1e9", "0x10", "99999999999999999999999", " 1796083200", "1796083200 "]
NOW = "1796083200"

# notification: header lines, NUL, body
vectors = load("Tests/WxPayCoreTests/Vectors/notification.json")["vectors"]
for v in vectors:
    head = "".join(f"{k}: {val}\n" for k, val in v["headers"].items())
    write("notification", head + "\0" + v["raw_body"])
    for ts in HOSTILE_INTS:
        h = dict(v["headers"], **{"Wechatpay-Timestamp": ts})
        write("notification", "".join(f"{k}: {val}\n" for k, val in h.items()) + "\0" + v["raw_body"])
base_head = (f"Wechatpay-Timestamp: {NOW}\nWechatpay-Nonce: n\nWechatpay-Signature: c2ln\n"
             "Wechatpay-Serial: PUB_KEY_ID_0119\n")
write("notification", base_head + "\0" + "[" * 5000)
write("notification", base_head.replace("PUB_KEY_ID_0119", "\x1b[31m" + "S" * 5000) + "\0{}")
write("notification", base_head + "Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048\n\0{}")

# notification-signed: selector byte + plaintext resource
transaction = {
    "mchid": "1900000109", "appid": "wxd678efh567hg6787", "out_trade_no": "ai1a2b3c-1",
    "transaction_id": "4200000000202612010000000001", "trade_type": "NATIVE", "trade_state": "SUCCESS",
    "trade_state_desc": "支付成功", "bank_type": "OTHERS", "attach": "{\"ik\":\"thread-42\",\"d\":{\"sku\":\"coffee\"}}",
    "success_time": "2026-12-01T08:00:00+08:00", "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    "amount": {"total": 1999, "payer_total": 1999, "currency": "CNY", "payer_currency": "CNY"},
    "scene_info": {"device_id": "013467007045764"},
}
refund = {
    "mchid": "1900000109", "out_trade_no": "ai1a2b3c-1", "transaction_id": "4200000000202612010000000001",
    "out_refund_no": "rf1a2b3c", "refund_id": "50000000382019052709732678859", "refund_status": "SUCCESS",
    "success_time": "2026-12-01T08:10:00+08:00", "user_received_account": "招商银行信用卡0403",
    "amount": {"total": 1999, "refund": 500, "payer_total": 1999, "payer_refund": 500},
}
write("notification-signed", b"\x00" + json.dumps(transaction, ensure_ascii=False).encode())
write("notification-signed", b"\x01" + json.dumps(refund, ensure_ascii=False).encode())
for amount in [-1, 2**63 - 1, -2**63, 1e308, "1999"]:
    t = dict(transaction, amount={"total": amount, "currency": "CNY"})
    write("notification-signed", b"\x00" + json.dumps(t).encode())
write("notification-signed", b"\x00" + json.dumps(dict(transaction, success_time="2026-02-31T08:00:00+08:00")).encode())
write("notification-signed", b"\x00" + json.dumps(dict(transaction, attach="赌博 casino bitcoin")).encode())
write("notification-signed", b"\x00" + json.dumps(dict(transaction, mchid="1900000110")).encode())

# envelope and lambda-next: every sample event of every function
events = []
for path in sorted(glob.glob(os.path.join(ROOT, "functions", "*", "*.json"))):
    name = os.path.basename(path)
    if name.endswith(".schema.json") or name == "tool.json" or name == "tools.json":
        continue
    with open(path, "rb") as f:
        events.append(f.read())
for e in events:
    write("envelope", e)
write("envelope", b"[" * 100000)
write("envelope", json.dumps({"amount": 2**63, "description": "x", "idempotency_key": "k"}))
write("envelope", json.dumps({"amount": 1999.5, "description": "x", "idempotency_key": "k", "expires_in": -2**63}))
write("envelope", json.dumps({"body": "eyJ9", "isBase64Encoded": True, "headers": {"content-type": "application/json"}}))
write("envelope", json.dumps({"version": "2.0", "requestContext": {"http": {"method": "POST"}}, "body": "{}"}))
write("envelope", json.dumps({"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                                                                    "function": {"name": "refund_payment",
                                                                                 "arguments": "{\"amount\":-1}"}}]}))
for e in events[:6]:
    write("lambda-next", b"\x00Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\n"
          b"Lambda-Runtime-Deadline-Ms: 1796083230000\n\0" + e)
for ms in HOSTILE_INTS:
    write("lambda-next", ("\x00Lambda-Runtime-Aws-Request-Id: r1\nLambda-Runtime-Deadline-Ms: " + ms + "\n\0{}").encode())
write("lambda-next", b"\x00Lambda-Runtime-Aws-Request-Id: ../../x\n\0{}")

# secrets: @NAME@ tokens stand for the keys and certificates the harness makes at start (Fuzz/Targets/Fixture.swift),
# so the corpus holds no key at all
secrets = {
    "mchid": "1900000109", "appid": "wxd678efh567hg6787", "merchant_serial_no": "@MERCHANT_SERIAL@",
    "merchant_private_key": "@MERCHANT_KEY@", "apiv3_key": "a" * 32,
    "wechatpay_public_keys": {"@PUBLIC_KEY_ID@": "@PLATFORM_PUBLIC_KEY@"},
    "wechatpay_certificates": {"@PLATFORM_SERIAL@": "@PLATFORM_CERTIFICATE@"},
    "forward_url": "http://127.0.0.1:9/f", "forward_secret": "s" * 32, "sm4_key": "0" * 32,
}
write("secrets", json.dumps(secrets, indent=1))
write("secrets", json.dumps(dict(secrets, apiv3_key="short")))
write("secrets", json.dumps(dict(secrets, merchant_private_key="@PLATFORM_PUBLIC_KEY@")))
write("secrets", json.dumps(dict(secrets, merchant_private_key="@MERCHANT_KEY@@MERCHANT_KEY@")))
write("secrets", json.dumps(dict(secrets, wechatpay_certificates={"@PUBLIC_KEY_ID@": "@PLATFORM_CERTIFICATE@"})))
write("secrets", json.dumps(dict(secrets, api_base="ftp://x", forward_url="http://[::1")))
write("secrets", "{" * 5000)
write("secrets", "{}")

# risk-ndjson / risk-array: the sample stream and corpus lines
with open(os.path.join(ROOT, "functions", "risk-batch", "transactions.ndjson"), "rb") as f:
    sample = f.read()
write("risk-ndjson", b"\x07" + sample)
with open(os.path.join(ROOT, "Tests", "WxPayRiskTests", "Fixtures", "corpus.ndjson"), "rb") as f:
    lines = f.read().splitlines()
for i in range(0, min(len(lines), 200), 25):
    write("risk-ndjson", b"\x10" + b"\n".join(lines[i:i + 25]) + b"\n")
write("risk-ndjson", b"\x01" + b'{"id":"a","amount":9223372036854775807,"created_at":"2026-02-29T00:00:00Z"}\n{"id":"b"}\n\n[\n')
write("risk-ndjson", b"\x03" + b'{"transactions":[{"id":"x","amount":1}]}')
records = [json.loads(l) for l in sample.splitlines() if l.strip()]
write("risk-array", b"\x05" + json.dumps(records, ensure_ascii=False)[1:].encode())
write("risk-array", b"\x02" + b'{"id":"a","amount":-9223372036854775808},' + b"[" * 3000)

# risk-rules: the defaults as a rules file are not on disk; small valid and hostile variants
write("risk-rules", json.dumps({"thresholds": {"review": 40, "block": 80}}))
write("risk-rules", json.dumps({"thresholds": {"review": 2**62, "block": -1}}))
write("risk-rules", json.dumps({"velocity": {"payer": {"window_seconds": 9223372036854775807, "max_count": 0, "weight": 30}}}))
write("risk-rules", "[" * 10000)
# the documented defaults (docs/risk-rules.md), each list cut to a few words, with and without pinyin derivation:
# valid, so the fuzzer starts from files that reach the matcher's build and the engine
with open(os.path.join(ROOT, "docs", "risk-rules.md"), encoding="utf-8") as f:
    doc = f.read()
start = doc.index("```json", doc.index("## The defaults")) + len("```json")
defaults = json.loads(doc[start:doc.index("```", start)])
for category in defaults["prohibited"]["categories"]:
    for key, words in category.items():
        if isinstance(words, list):
            category[key] = [w for w in words if not w.isascii()][:4] + [w for w in words if w.isascii()][:2]
for pinyin in (True, False):
    defaults["prohibited"]["pinyin"] = pinyin
    write("risk-rules", json.dumps(defaults, ensure_ascii=False))

# pii-mapping: mapping plaintexts (what a sealed mapping holds)
write("pii-mapping", json.dumps({"v": 1, "entries": [{"kind": "PHONE", "n": 1, "value": "13800138000", "id": "13800138000"}]}))
write("pii-mapping", json.dumps([{"kind": "PHONE", "number": 1, "value": "13800138000", "identity": "13800138000"}]))
write("pii-mapping", json.dumps([{"kind": "CARD", "number": 9223372036854775807, "value": "x", "identity": "x"}]))
write("pii-mapping", "wxs1.AAAA")

# wechat-answer: selector (op | sign<<2 | status<<3), header lines, NUL, body
order = {"appid": "wxd678efh567hg6787", "mchid": "1900000109", "out_trade_no": "ai1a2b3c-1",
         "trade_state": "NOTPAY", "trade_state_desc": "未支付", "amount": {"total": 1999, "currency": "CNY"},
         "attach": "{\"ik\":\"fuzz-thread\"}"}
answers = [
    (0, {"code_url": "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}), (0, {"prepay_id": "wx201410272009395522657a690389285100"}),
    (1, order), (1, dict(order, trade_state="SUCCESS", transaction_id="4200000000202612010000000001")),
    (2, None), (3, {"refund_id": "50000000382019052709732678859", "out_refund_no": "rf1", "status": "PROCESSING",
                   "amount": {"total": 1999, "refund": 500, "currency": "CNY"}}),
    (3, {"code": "NOT_ENOUGH", "message": "基本账户余额不足"}),
]
for op, body in answers:
    data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
    write("wechat-answer", bytes([op | 4]) + b"Request-Id: r1\n\0" + data)
for status_index in range(13):
    write("wechat-answer", bytes([1 | 4 | (status_index << 3)]) + b"\0" + json.dumps(
        {"code": "PARAM_ERROR", "message": "x" * 200, "detail": {"field": "amount"}}).encode())
write("wechat-answer", bytes([1]) + ("Wechatpay-Timestamp: -9223372036854775808\nWechatpay-Nonce: n\n"
                                     "Wechatpay-Signature: c2ln\nWechatpay-Serial: x\n").encode() + b"\0{}")

# forward-signature
write("forward-signature", b"t=1796083200,v1=" + b"0" * 64 + b"\0{\"id\":\"EV\"}")
for t in HOSTILE_INTS:
    write("forward-signature", ("t=" + t + ",v1=00\0{}").encode())

# authorization (merchant Authorization header, NUL, body)
auth = ('WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",'
        'timestamp="1796083200",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",signature="c2ln"')
write("authorization", auth + "\0{\"amount\":{\"total\":1}}")
for t in HOSTILE_INTS:
    write("authorization", auth.replace('timestamp="1796083200"', f'timestamp="{t}"') + "\0{}")
write("authorization", 'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2"\0')

# http-request
write("http-request", "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
write("http-request", "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n")
write("http-request", "POST / HTTP/1.1\r\nContent-Length: -9223372036854775808\r\n\r\n")
write("http-request", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
write("http-request", "GET /healthz?x=1 HTTP/1.0\r\n folded: x\r\n\r\n")
write("http-request", "P\x00ST / HTTP/1.1\r\n\r\n")
# bill: the first byte chooses the kind (high bit: fund-flow) and the chunk size; the rest is the bill file
TRADE_HEADER = ("\ufeff交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
                "货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
                "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n")
TRADE_ROW = ("`2026-11-30 20:53:36,`wx0000000000000001,`1900000109,`0,`,`4200000000202611300000000001,`order-1,"
             "`oUser,`JSAPI,`REFUND,`CFT,`CNY,`0.00,`0.00,`2026-11-30 20:53:36,`2026-11-30 20:53:40,"
             "`50300000000000000000000000001,`rf-1,`0.01,`0.00,`ORIGINAL,`SUCCESS,`Tea, green,`{\"a\":1,\"b\":2},"
             "`0.00000,`0.60%,`0.00,`0.01,`\r\n")
TRADE_SUMMARY = ("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
                 "`1,`0.00,`0.01,`0.00,`-0.02000,`0.00,`0.01\r\n")
write("bill", bytes([7]) + (TRADE_HEADER + TRADE_ROW + TRADE_SUMMARY).encode())
write("bill", bytes([60]) + (TRADE_HEADER + TRADE_ROW.replace("`REFUND,", "`SUCCESS,") + TRADE_SUMMARY).encode())
write("bill", bytes([1]))
write("bill", bytes([3]) + "交易时间,商户订单号\n`a,`b\n".encode())
write("bill", bytes([0x85]) + "记账时间,微信支付业务单号,资金流水单号\n`2026-11-30 20:53:36,`4200,`1\n".encode())
print("seeds written to", os.path.relpath(OUT, ROOT))
