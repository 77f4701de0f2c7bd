"""Interoperability: the community Python SDK `wechatpayv3` as a client of the running wxpay-emulator.

The SDK signs its own requests and refuses any 2xx answer whose Wechatpay-* signature does not verify, so every
successful call below proves that the emulator's request verification and answer signing match an independent
implementation. Its callback handling then verifies and decrypts a notification the emulator delivered.

Run with Tests/interop/run.sh (it finds the built emulator; WXPAY_BIN_DIR overrides).
"""

import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid

import pytest
from wechatpayv3 import WeChatPay, WeChatPayType


def emulator_binary():
    bin_dir = os.environ.get("WXPAY_BIN_DIR")
    if not bin_dir:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        bin_dir = os.path.join(root, ".build", "debug")
    path = os.path.join(bin_dir, "wxpay-emulator")
    if not os.access(path, os.X_OK):
        pytest.fail(f"wxpay-emulator is not built at {path} (swift build --product wxpay-emulator, or set WXPAY_BIN_DIR)")
    return path


class NotificationSink:
    """An HTTP server on 127.0.0.1 that records every POST (headers and raw body) and answers 200."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                received.append({"headers": {k: v for k, v in self.headers.items()}, "body": self.rfile.read(length)})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/wxpay/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count, timeout=10):
        deadline = time.time() + timeout
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.05)
        return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Emulator:
    """`wxpay-emulator init` + `serve --port 0`, stopped with SIGTERM."""

    def __init__(self, mode, notify_url, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="wxpay-interop-")
        binary = emulator_binary()
        subprocess.run([binary, "init", "--out", self.dir, "--mode", mode, "--notify-url", notify_url],
                       check=True, stdout=subprocess.DEVNULL)
        self.stderr = open(os.path.join(self.dir, "stderr.log"), "wb")
        self.process = subprocess.Popen(
            [binary, "serve", "--sandbox", os.path.join(self.dir, "sandbox.json"), "--port", "0",
             "--notify-backoff", "0.2,0.5,1", "--refund-delay", "0.2", *extra_args],
            stdout=subprocess.PIPE, stderr=self.stderr)
        line = self.process.stdout.readline()  # {"listening": "http://127.0.0.1:PORT"}
        if not line:
            raise RuntimeError("the emulator exited before listening")
        self.base_url = json.loads(line)["listening"]
        with open(os.path.join(self.dir, "secrets.json")) as f:
            self.secrets = json.load(f)

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def sdk_client(emulator, mode, cert_dir):
    """A WeChatPay client configured from the emulator's secrets file, pointed at the emulator."""
    s = emulator.secrets
    kwargs = dict(wechatpay_type=WeChatPayType.NATIVE, mchid=s["mchid"], private_key=s["merchant_private_key"],
                  cert_serial_no=s["merchant_serial_no"], appid=s["appid"], apiv3_key=s["apiv3_key"],
                  notify_url=s["notify_url"], timeout=(5, 10))
    if mode == "public-key":
        (key_id, pem), = s["wechatpay_public_keys"].items()
        kwargs.update(public_key=pem, public_key_id=key_id)
    else:
        # The SDK loads platform certificates at construction, before its gateway can be changed: seed its cache
        # directory, then (below) download them again from the emulator through /v3/certificates.
        for serial, pem in s["wechatpay_certificates"].items():
            with open(os.path.join(cert_dir, serial + ".pem"), "w") as f:
                f.write(pem)
        kwargs.update(cert_dir=cert_dir)
    client = WeChatPay(**kwargs)
    client._core._gate_way = emulator.base_url  # the SDK has no public setting for its host
    return client


@pytest.fixture(params=["public-key", "certificate"])
def setup(request, tmp_path):
    sink = NotificationSink()
    emulator = Emulator(request.param, sink.url)
    cert_dir = tmp_path / "certs"
    cert_dir.mkdir()
    try:
        yield request.param, emulator, sink, sdk_client(emulator, request.param, str(cert_dir))
    finally:
        emulator.close()
        sink.close()


def test_native_order_query_close_refund_and_notification(setup):
    mode, emulator, sink, wxpay = setup
    if mode == "certificate":
        # /v3/certificates: the SDK decrypts the AEAD-encrypted certificate with the APIv3 key.
        wxpay._core._certificates.clear()
        wxpay._core._update_certificates()
        serials = {format(c.serial_number, "X") for c in wxpay._core._certificates}
        assert serials == set(emulator.secrets["wechatpay_certificates"].keys())

    # Native prepay: the SDK verifies the signed answer or raises.
    paid_no = "PY" + uuid.uuid4().hex[:20]
    code, message = wxpay.pay(description="互通测试 interop", out_trade_no=paid_no,
                              amount={"total": 1999, "currency": "CNY"}, attach="ik:py-interop")
    assert code == 200, message
    assert json.loads(message)["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")

    code, message = wxpay.query(out_trade_no=paid_no)
    assert code == 200, message
    assert json.loads(message)["trade_state"] == "NOTPAY"

    # Close a second order: 204 with an empty, signed body.
    closed_no = "PY" + uuid.uuid4().hex[:20]
    assert wxpay.pay(description="to close", out_trade_no=closed_no, amount={"total": 100})[0] == 200
    code, _ = wxpay.close(out_trade_no=closed_no)
    assert code == 204
    code, message = wxpay.query(out_trade_no=closed_no)
    assert code == 200 and json.loads(message)["trade_state"] == "CLOSED"

    # Pay the first order through the control API; the emulator POSTs TRANSACTION.SUCCESS to notify_url.
    emulator.control("POST", f"/_emulator/orders/{paid_no}/pay", {"openid": "oInteropPayer"})
    received = sink.wait(1)
    assert len(received) >= 1
    callback = wxpay.callback(received[0]["headers"], received[0]["body"])
    assert callback is not None, "the SDK could not verify or decrypt the notification"
    assert callback["event_type"] == "TRANSACTION.SUCCESS"
    resource = callback["resource"]
    assert resource["out_trade_no"] == paid_no
    assert resource["trade_state"] == "SUCCESS"
    assert resource["attach"] == "ik:py-interop"
    assert resource["amount"]["total"] == 1999
    assert resource["payer"]["openid"] == "oInteropPayer"

    code, message = wxpay.query(transaction_id=resource["transaction_id"])
    assert code == 200 and json.loads(message)["out_trade_no"] == paid_no

    # Refund part of it, then query; it turns SUCCESS and REFUND.SUCCESS arrives.
    refund_no = "RF" + paid_no
    code, message = wxpay.refund(out_refund_no=refund_no, amount={"refund": 500, "total": 1999, "currency": "CNY"},
                                 out_trade_no=paid_no, reason="interop refund")
    assert code == 200, message
    assert json.loads(message)["status"] == "PROCESSING"
    received = sink.wait(2)
    assert len(received) >= 2
    refund_callback = wxpay.callback(received[1]["headers"], received[1]["body"])
    assert refund_callback is not None
    assert refund_callback["event_type"] == "REFUND.SUCCESS"
    assert refund_callback["resource"]["out_refund_no"] == refund_no
    assert refund_callback["resource"]["amount"]["refund"] == 500
    code, message = wxpay.query_refund(out_refund_no=refund_no)
    assert code == 200 and json.loads(message)["status"] == "SUCCESS"


def test_sdk_refuses_a_tampered_answer(setup):
    """The negative control: with a bad-signature fault the SDK must raise, so the checks above can fail."""
    _, emulator, _, wxpay = setup
    emulator.control("POST", "/_emulator/faults", {"kind": "bad-signature", "count": 1})
    with pytest.raises(Exception, match="failed to verify the signature"):
        wxpay.pay(description="tampered", out_trade_no="PY" + uuid.uuid4().hex[:20], amount={"total": 1})


def test_sdk_signature_errors_are_reported_as_401(setup):
    """A client whose key the emulator does not know is refused with WeChat's 401 SIGN_ERROR."""
    mode, emulator, _, wxpay = setup
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from wechatpayv3.utils import load_private_key

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wxpay._core._private_key = load_private_key(other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode())
    code, message = wxpay.query(out_trade_no="PYNOSUCHORDER1")
    assert code == 401
    assert json.loads(message)["code"] == "SIGN_ERROR"


def function_binary(name):
    """A built function executable next to the emulator (WXPAY_BIN_DIR or .build/debug)."""
    path = os.path.join(os.path.dirname(emulator_binary()), name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{name} is not built at {path} (swift build --product {name}, or set WXPAY_BIN_DIR)")
    return path


def test_download_certificates_writes_what_an_independent_client_decrypts(tmp_path):
    """download-certificates against a rotating emulator: the serials and certificates it merges into the secrets
    file are exactly those the SDK downloads and decrypts itself, and those Python `cryptography` decrypts from the
    raw AEAD fields of the same endpoint."""
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.serialization import Encoding

    sink = NotificationSink()
    emulator = Emulator("certificate", sink.url)
    try:
        old = emulator.control("GET", "/_emulator/platform-certificates")["signing_serial"]
        new = emulator.control("POST", "/_emulator/platform-certificates", {"activate": False})["added"]
        secrets = dict(emulator.secrets, api_base=emulator.base_url)
        path = tmp_path / "secrets.json"
        path.write_text(json.dumps(secrets))
        os.chmod(path, 0o600)
        run = subprocess.run([function_binary("download-certificates")], input=b"{}", capture_output=True,
                             env={"PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": str(path)}, timeout=60)
        assert run.returncode == 0, run
        answer = json.loads(run.stdout)
        assert answer["status"] == "updated" and answer["added"] == [new] and answer["signed_by"] == old, answer
        written = json.loads(path.read_text())["wechatpay_certificates"]
        assert set(written) == {old, new}
        assert os.stat(path).st_mode & 0o777 == 0o600

        def der(pem):
            return x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)

        # The SDK: its own signed request, its own AES-GCM decryption.
        cert_dir = tmp_path / "certs"
        cert_dir.mkdir()
        wxpay = sdk_client(emulator, "certificate", str(cert_dir))
        wxpay._core._certificates.clear()
        wxpay._core._update_certificates()
        sdk = {format(c.serial_number, "X"): c.public_bytes(Encoding.DER) for c in wxpay._core._certificates}
        assert sdk == {serial: der(pem) for serial, pem in written.items()}

        # cryptography alone on the raw answer's encrypt_certificate fields.
        code, message = wxpay._core.request("/v3/certificates")
        assert code == 200
        key = emulator.secrets["apiv3_key"].encode()
        raw = {}
        for item in json.loads(message)["data"]:
            sealed = item["encrypt_certificate"]
            assert sealed["algorithm"] == "AEAD_AES_256_GCM"
            plain = AESGCM(key).decrypt(sealed["nonce"].encode(), base64.b64decode(sealed["ciphertext"]),
                                        sealed["associated_data"].encode())
            raw[item["serial_no"]] = x509.load_pem_x509_certificate(plain).public_bytes(Encoding.DER)
        assert raw == sdk

        # The negative control: a tampered list changes nothing, and the SDK's decryption refuses the tampered entry
        # too (it skips what does not decrypt: the first entry, the oldest certificate).
        before = path.read_bytes()
        emulator.control("POST", "/_emulator/platform-certificates", {"activate": False})
        emulator.control("POST", "/_emulator/faults", {"kind": "tampered-certificate", "path_prefix": "/v3/certificates"})
        run = subprocess.run([function_binary("download-certificates")], input=b"{}", capture_output=True,
                             env={"PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": str(path)}, timeout=60)
        assert run.returncode == 77, run
        assert json.loads(run.stdout)["error"]["code"] == "DECRYPTION_FAILED"
        assert path.read_bytes() == before
        emulator.control("POST", "/_emulator/faults", {"kind": "tampered-certificate", "path_prefix": "/v3/certificates"})
        wxpay._core._update_certificates()
        got = {format(c.serial_number, "X") for c in wxpay._core._certificates}
        assert old not in got and new in got, got
    finally:
        emulator.close()
        sink.close()


# --- Bills: the SDK's trade_bill / fundflow_bill / download_bill against the emulator, and an independent parse of
# the same file (gzip, hashlib, Decimal) compared with download-bill's NDJSON.

def _binary(name):
    bin_dir = os.environ.get("WXPAY_BIN_DIR") or os.path.dirname(emulator_binary())
    path = os.path.join(bin_dir, name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{name} is not built at {path} (swift build --product {name})")
    return path


def _fen(text):
    """Yuan text as fen, exactly (Decimal, not float); fees carry 5 decimals."""
    from decimal import Decimal
    value = Decimal(text) * 100
    assert value == value.to_integral_value(), text
    return int(value)


def _parse_bill(raw):
    """An independent reading of WeChat Pay's bill format: header, backtick-prefixed rows, summary header, summary."""
    text = raw.decode("utf-8-sig")
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line]
    header = lines[0].split(",")
    rows, i = [], 1
    while lines[i].startswith("`"):
        values = lines[i][1:].split(",`")
        assert len(values) == len(header), lines[i]
        rows.append(dict(zip(header, values)))
        i += 1
    summary = dict(zip(lines[i].split(","), lines[i + 1][1:].split(",`")))
    assert i + 2 == len(lines)
    return rows, summary


def test_bills_through_the_sdk_and_download_bill(setup, tmp_path):
    import gzip
    import hashlib
    _, emulator, sink, wxpay = setup
    numbers = []
    for amount in (1999, 500):
        no = "PY" + uuid.uuid4().hex[:20]
        assert wxpay.pay(description="账单, interop", out_trade_no=no, amount={"total": amount})[0] == 200
        emulator.control("POST", f"/_emulator/orders/{no}/pay", {"openid": "oInteropPayer"})
        numbers.append(no)
    code, message = wxpay.refund(out_refund_no="RF" + numbers[0], amount={"refund": 300, "total": 1999, "currency": "CNY"},
                                 out_trade_no=numbers[0], reason="interop bill")
    assert code == 200, message
    deadline = time.time() + 10
    while json.loads(wxpay.query_refund(out_refund_no="RF" + numbers[0])[1])["status"] != "SUCCESS":
        assert time.time() < deadline
        time.sleep(0.1)
    day = emulator.control("GET", f"/_emulator/orders/{numbers[0]}")["success_time"][:10]

    # The SDK verifies the query's signed answer; download_bill skips verification (the file is not signed).
    code, message = wxpay.trade_bill(bill_date=day, bill_type="ALL", tar_type="GZIP")
    assert code == 200, message
    answer = json.loads(message)
    assert answer["hash_type"] == "SHA1"
    code, packed = wxpay.download_bill(answer["download_url"])
    assert code == 200
    raw = gzip.decompress(packed)
    assert hashlib.sha1(raw).hexdigest() == answer["hash_value"], "the hash is over the decompressed bytes"
    rows, summary = _parse_bill(raw)
    assert len(rows) == 3 and int(summary["总交易单数"]) == 3
    assert {r["商户订单号"] for r in rows} == set(numbers)

    # download-bill on the same day, through the same emulator.
    secrets = dict(emulator.secrets, api_base=emulator.base_url)
    secrets_path = tmp_path / "secrets.json"
    secrets_path.write_text(json.dumps(secrets))
    run = subprocess.run([_binary("download-bill"), "--bill-date", day], capture_output=True, timeout=60,
                         env={"WXPAY_SECRETS_FILE": str(secrets_path), "PATH": os.environ.get("PATH", "")})
    assert run.returncode == 0, run.stdout + run.stderr
    out = [json.loads(line) for line in run.stdout.decode().splitlines()]
    ours, total = out[:-1], out[-1]["summary"]
    assert len(ours) == len(rows)
    key = lambda r: (r.get("out_refund_no") or "", r["out_trade_no"])
    theirs = sorted(rows, key=lambda r: (r["商户退款单号"] if r["商户退款单号"] != "0" else "", r["商户订单号"]))
    for mine, row in zip(sorted(ours, key=key), theirs):
        assert mine["out_trade_no"] == row["商户订单号"]
        assert mine["transaction_id"] == row["微信订单号"]
        assert mine["record"] == ("refund" if row["交易状态"] == "REFUND" else "payment")
        assert mine["order_amount"] == _fen(row["订单金额"])
        assert mine["settlement_amount"] == _fen(row["应结订单金额"])
        assert mine["refund_amount"] == _fen(row["退款金额"])
        assert mine["refund_requested_amount"] == _fen(row["申请退款金额"])
        assert mine["fee"] == _fen(row["手续费"])
        assert mine["attach"] == (row["商户数据包"] or None)
        assert mine["description"] == row["商品名称"] == "账单, interop"
        assert (mine["refund_id"] or "0") == row["微信退款单号"]
    assert total["hash_value"] == hashlib.sha1(raw).hexdigest() and total["rows"] == 3
    assert total["order_total"] == _fen(summary["订单总金额"]) == 2499
    assert total["refund_total"] == _fen(summary["退款总金额"]) == 300
    assert total["fee_total"] == _fen(summary["手续费总金额"])
    assert total["settlement_total"] == _fen(summary["应结订单总金额"])

    # The fund-flow bill through the SDK: the same hash rule, and the SDK's own query path.
    code, message = wxpay.fundflow_bill(bill_date=day, account_type="BASIC", tar_type="GZIP")
    assert code == 200, message
    answer = json.loads(message)
    code, packed = wxpay.download_bill(answer["download_url"])
    raw = gzip.decompress(packed)
    assert hashlib.sha1(raw).hexdigest() == answer["hash_value"]
    flows, flow_summary = _parse_bill(raw)
    assert int(flow_summary["资金流水总笔数"]) == len(flows) == 5
    assert _fen(flow_summary["收入金额"]) == 2499
