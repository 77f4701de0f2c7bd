"""Service-provider (partner) mode against an independent oracle: wechatpayv3 with partner_mode=True.

1. The SDK in partner mode places, queries, closes and refunds a sub-merchant's orders on the running wxpay-emulator
   (every answer it accepts is signature-verified by the SDK), and the emulator's partner notifications for them are
   decrypted by the SDK and accepted by this kit's `webhook` executable with the sub-merchant in the event.
2. Our `create-intent` (sub_mchid, sub_appid, sub_openid) sends the same partner prepay request the SDK sends for the
   same order: path and body compared field by field from the emulator's raw request log.

Run with Tests/interop/run.sh (WXPAY_BIN_DIR names the directory of the built executables).
"""

import json
import os
import subprocess
import uuid

import pytest
from wechatpayv3 import WeChatPay, WeChatPayType

from test_wechatpayv3_interop import Emulator, NotificationSink, emulator_binary

SUB = "1900000201"
SUB_APPID = "wxsub0000000000001"


def executable(name):
    path = os.path.join(os.path.dirname(emulator_binary()), name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{name} is not built at {path} (swift build --product {name}, or set WXPAY_BIN_DIR)")
    return path


def partner_client(emulator, pay_type=WeChatPayType.NATIVE):
    s = emulator.secrets
    (key_id, pem), = s["wechatpay_public_keys"].items()
    client = WeChatPay(wechatpay_type=pay_type, mchid=s["mchid"], private_key=s["merchant_private_key"],
                       cert_serial_no=s["merchant_serial_no"], appid=s["appid"], apiv3_key=s["apiv3_key"],
                       notify_url=s["notify_url"], public_key=pem, public_key_id=key_id, partner_mode=True,
                       timeout=(5, 10))
    client._core._gate_way = emulator.base_url
    return client


def secrets_file(emulator):
    """The merchant's secrets with api_base pointing at the running emulator (init wrote the default port)."""
    path = os.path.join(emulator.dir, "secrets-running.json")
    with open(path, "w") as f:
        json.dump(dict(emulator.secrets, api_base=emulator.base_url), f)
    os.chmod(path, 0o600)
    return {"WXPAY_SECRETS_FILE": path, "PATH": os.environ["PATH"]}


def run_webhook(emulator, notification):
    envelope = {"httpMethod": "POST", "headers": notification["headers"],
                "body": notification["body"].decode("utf-8")}
    result = subprocess.run([executable("webhook")], input=json.dumps(envelope).encode(), capture_output=True,
                            env=secrets_file(emulator), timeout=20)
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def partner(tmp_path):
    sink = NotificationSink()
    log = str(tmp_path / "requests.ndjson")
    emulator = Emulator("public-key", sink.url, extra_args=("--request-log", log))
    try:
        yield emulator, sink, log
    finally:
        emulator.close()
        sink.close()


def logged_requests(log):
    with open(log) as f:
        return [line for line in map(json.loads, f) if "method" in line]


def test_sdk_partner_orders_and_notifications_reach_our_webhook(partner):
    emulator, sink, _ = partner
    wxpay = partner_client(emulator)
    sp_mchid, sp_appid = emulator.secrets["mchid"], emulator.secrets["appid"]

    no = "PP" + uuid.uuid4().hex[:20]
    code, message = wxpay.pay(description="服务商互通 partner interop", out_trade_no=no, sub_mchid=SUB,
                              amount={"total": 2500, "currency": "CNY"}, attach="partner-interop")
    assert code == 200, message
    assert json.loads(message)["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")

    code, message = wxpay.query(out_trade_no=no, sub_mchid=SUB)
    assert code == 200, message
    order = json.loads(message)
    assert (order["sp_mchid"], order["sp_appid"], order["sub_mchid"]) == (sp_mchid, sp_appid, SUB)
    assert "mchid" not in order and order["trade_state"] == "NOTPAY"
    # Order numbers are unique per sub-merchant: the same number under another sub-merchant is another order.
    assert wxpay.query(out_trade_no=no, sub_mchid="1900000202")[0] == 404
    assert wxpay.pay(description="other sub-merchant", out_trade_no=no, sub_mchid="1900000202",
                     amount={"total": 300})[0] == 200
    code, message = wxpay.query(out_trade_no=no, sub_mchid="1900000202")
    assert code == 200 and json.loads(message)["amount"]["total"] == 300
    code, message = wxpay.query(out_trade_no=no, sub_mchid=SUB)
    assert code == 200 and json.loads(message)["amount"]["total"] == 2500

    closed = "PP" + uuid.uuid4().hex[:20]
    assert wxpay.pay(description="to close", out_trade_no=closed, sub_mchid=SUB, amount={"total": 100})[0] == 200
    assert wxpay.close(out_trade_no=closed, sub_mchid=SUB)[0] == 204
    code, message = wxpay.query(out_trade_no=closed, sub_mchid=SUB)
    assert code == 200 and json.loads(message)["trade_state"] == "CLOSED"

    emulator.control("POST", f"/_emulator/orders/{SUB}:{no}/pay", {"openid": "oPartnerPayer"})
    received = sink.wait(1)
    assert len(received) >= 1
    callback = wxpay.callback(received[0]["headers"], received[0]["body"])
    assert callback is not None, "the SDK could not verify or decrypt the partner notification"
    resource = callback["resource"]
    assert (resource["sp_mchid"], resource["sub_mchid"], resource["out_trade_no"]) == (sp_mchid, SUB, no)
    assert resource["payer"] == {"sp_openid": "oPartnerPayer"}

    status, answer = run_webhook(emulator, received[0])
    assert status == 0, answer
    event = answer["event"]
    assert event["type"] == "payment.success"
    assert event["sub_mchid"] == SUB and event["out_trade_no"] == no
    assert event["payer_openid"] == "oPartnerPayer" and event["amount"] == 2500

    code, message = wxpay.query(transaction_id=resource["transaction_id"], sub_mchid=SUB)
    assert code == 200 and json.loads(message)["out_trade_no"] == no

    refund_no = "RF" + no
    code, message = wxpay.refund(out_refund_no=refund_no, amount={"refund": 700, "total": 2500, "currency": "CNY"},
                                 out_trade_no=no, reason="partner interop refund", sub_mchid=SUB)
    assert code == 200, message
    received = sink.wait(2)
    assert len(received) >= 2
    refund_callback = wxpay.callback(received[1]["headers"], received[1]["body"])
    assert refund_callback["event_type"] == "REFUND.SUCCESS"
    assert refund_callback["resource"]["sub_mchid"] == SUB
    code, message = wxpay.query_refund(out_refund_no=refund_no, sub_mchid=SUB)
    assert code == 200 and json.loads(message)["status"] == "SUCCESS"
    status, answer = run_webhook(emulator, received[1])
    assert status == 0, answer
    assert answer["event"]["type"] == "refund.success"
    assert answer["event"]["sub_mchid"] == SUB and answer["event"]["out_refund_no"] == refund_no


def test_our_partner_prepay_matches_the_sdk_field_by_field(partner):
    emulator, _, log = partner
    key = "interop-" + uuid.uuid4().hex[:12]
    ours = subprocess.run([executable("create-intent")], capture_output=True, timeout=30, env=secrets_file(emulator),
                          input=json.dumps({
        "amount": 880, "description": "拿铁 latte", "idempotency_key": key, "channel": "jsapi",
        "sub_mchid": SUB, "sub_appid": SUB_APPID, "sub_openid": "oSubPayer"}).encode())
    assert ours.returncode == 0, ours
    intent = json.loads(ours.stdout)
    assert intent["confirmation"]["appId"] == SUB_APPID
    our_request = logged_requests(log)[-1]
    our_body = json.loads(our_request["body"])

    # The SDK places the same order (same number, expiry and attach, so only the sender differs).
    wxpay = partner_client(emulator, WeChatPayType.JSAPI)
    code, message = wxpay.pay(description=our_body["description"], out_trade_no="PP" + uuid.uuid4().hex[:20],
                              amount={"total": 880, "currency": "CNY"}, payer={"sub_openid": "oSubPayer"},
                              time_expire=our_body["time_expire"], attach=our_body["attach"],
                              sub_mchid=SUB, sub_appid=SUB_APPID, pay_type=WeChatPayType.JSAPI)
    assert code == 200, message
    sdk_request = logged_requests(log)[-1]
    sdk_body = json.loads(sdk_request["body"])

    assert our_request["method"] == sdk_request["method"] == "POST"
    assert our_request["target"] == sdk_request["target"] == "/v3/pay/partner/transactions/jsapi"
    assert sorted(our_body) == sorted(sdk_body)
    for field in sdk_body:
        if field != "out_trade_no":
            assert our_body[field] == sdk_body[field], field
