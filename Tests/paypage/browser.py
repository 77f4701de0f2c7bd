#!/usr/bin/env python3
"""wxpay-server's payment page (GET /pay/{intent_id}) in a real browser: headless Chromium driven by Selenium,
against the emulator as WeChat Pay and wxpay-server with the pay and webhook routes.

    python3 Tests/paypage/browser.py     (WXPAY_BIN_DIR: where the executables are; PAYPAGE_ARTIFACTS: screenshots,
                                          default .build/artifacts/paypage)

- jsapi intent, a WeChat User-Agent: the page shows merchant, description, 19.99 and a countdown under a strict CSP
  (no violation in the console); the pay button calls WeixinJSBridge.invoke('getBrandWCPayRequest', ...) (the
  sandbox's stand-in bridge, a same-origin script, asks the emulator to pay); the page turns to "paid" by polling,
  and the emulator's notification went through the server's /webhook into the events file.
- native intent, a desktop User-Agent: the QR code on the page (an element screenshot) decodes with zbarimg to the
  intent's code_url.
- h5 intent, a mobile User-Agent: the link is WeChat Pay's h5_url. Accept-Language zh: the page is in Chinese.
- a wrong, a missing and another intent's token, and an unknown intent: 404 with one and the same body.
- the status endpoint: 429 with Retry-After past its limit; the headers (CSP with a nonce, nosniff, no-referrer,
  no-store) on the page.
- an intent of 60 s left open on a desktop page: it turns to "expired" with the re-prompt text by itself.
Screenshots of each state go to PAYPAGE_ARTIFACTS (the path is printed).
"""
import json
import os
import secrets as pysecrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("WXPAY_BIN_DIR") or subprocess.run(
    ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
ART = os.environ.get("PAYPAGE_ARTIFACTS") or os.path.join(ROOT, ".build", "artifacts", "paypage")
FAILURES = []
SUITE_STARTED = time.time()

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/en")
MOBILE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Mobile Safari/537.36")
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def check(condition, what, detail=""):
    print(("  ok   " if condition else "  FAIL ") + what + ("" if condition or not detail else f"\n       {detail}"),
          flush=True)
    if not condition:
        FAILURES.append(what)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    req = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def listening(path, proc, timeout=30):
    limit = time.time() + timeout
    while time.time() < limit and proc.poll() is None:
        try:
            with open(path) as f:
                line = f.readline()
            if "listening" in line:
                return json.loads(line)["listening"]
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return None


def create_intent(env, **arguments):
    out = subprocess.run([os.path.join(BIN, "create-intent")], input=json.dumps(arguments).encode(), env=env,
                         capture_output=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"create-intent failed ({out.returncode}): {out.stdout!r} {out.stderr[-2000:]!r}")
    return json.loads(out.stdout)


def main():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    os.makedirs(ART, exist_ok=True)
    work = tempfile.mkdtemp(prefix="wxpay-paypage.")
    procs = []
    driver = None
    try:
        server_port = free_port()
        public = f"http://127.0.0.1:{server_port}"
        subprocess.run([os.path.join(BIN, "wxpay-emulator"), "init", "--out", work, "--notify-url",
                        public + "/webhook"], check=True, capture_output=True)
        emu_out = os.path.join(work, "emulator.out")
        emu = subprocess.Popen([os.path.join(BIN, "wxpay-emulator"), "serve", "--sandbox",
                                os.path.join(work, "sandbox.json"), "--port", "0", "--notify-backoff", "0.2,0.5,1"],
                               stdout=open(emu_out, "w"), stderr=open(os.path.join(work, "emulator.err"), "w"))
        procs.append(emu)
        emu_url = listening(emu_out, emu)
        if not emu_url:
            raise SystemExit("the emulator did not start: " + open(os.path.join(work, "emulator.err")).read())
        with open(os.path.join(work, "secrets.json")) as f:
            doc = json.load(f)
        doc.update({"api_base": emu_url, "public_url": public, "page_key": pysecrets.token_urlsafe(32),
                    "merchant_name": "Yunnan Beans 云南咖啡"})
        secrets_path = os.path.join(work, "merchant.json")
        with open(secrets_path, "w") as f:
            json.dump(doc, f)
        os.chmod(secrets_path, 0o600)
        events = os.path.join(work, "events.ndjson")
        env = dict(os.environ, WXPAY_SECRETS_FILE=secrets_path, WXPAY_EVENTS_FILE=events, LOG_LEVEL="warning")
        srv_out = os.path.join(work, "server.out")
        srv = subprocess.Popen([os.path.join(BIN, "wxpay-server"), "--host", "127.0.0.1", "--port", str(server_port),
                                "--routes", "webhook,pay,healthz"], env=env, stdout=open(srv_out, "w"),
                               stderr=open(os.path.join(work, "server.err"), "w"))
        procs.append(srv)
        if not listening(srv_out, srv):
            raise SystemExit("wxpay-server did not start: " + open(os.path.join(work, "server.err")).read())

        run = pysecrets.token_hex(4)
        expiring = create_intent(env, amount=800, description="Drip bag sampler", idempotency_key=f"pp-exp-{run}",
                                 channel="native", expires_in=60)
        expiring_opened = time.time()
        jsapi = create_intent(env, amount=1999, description="Yunnan coffee beans 500g", idempotency_key=f"pp-js-{run}",
                              channel="jsapi", user_openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        native = create_intent(env, amount=1250, description="Pour-over kettle", idempotency_key=f"pp-na-{run}",
                               channel="native")
        h5 = create_intent(env, amount=500, description="Gift card", idempotency_key=f"pp-h5-{run}", channel="h5",
                           client={"mobile": True, "ip": "203.0.113.7"})
        for intent in (expiring, jsapi, native, h5):
            check(intent.get("confirmation_url", "").startswith(f"{public}/pay/{intent['intent_id']}?t="),
                  f"{intent['channel']}: confirmation_url is the server's page", intent.get("confirmation_url"))
        import jsonschema
        with open(os.path.join(ROOT, "functions", "create-intent", "output.schema.json")) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        for intent in (expiring, jsapi, native, h5):
            errors = [e.message for e in validator.iter_errors(intent)]
            check(not errors, f"{intent['channel']}: the answer validates against create-intent's output schema",
                  "; ".join(errors)[:500])
        check(jsapi.get("confirmation", {}).get("paySign"), "jsapi: the signed parameters are still in the answer")
        check(native.get("code_url", "").startswith("weixin://"), "native: code_url kept beside the page URL")
        check(h5.get("h5_url", "").startswith("https://"), "h5: h5_url kept beside the page URL")

        # Plain HTTP: headers, 404s, the rate limit.
        status, headers, body = http("GET", jsapi["confirmation_url"], headers={"User-Agent": WECHAT_UA})
        h = {k.lower(): v for k, v in headers.items()}
        csp = h.get("content-security-policy", "")
        check(status == 200 and "text/html" in h.get("content-type", ""), "the page answers 200 HTML", str(status))
        timings = []
        for _ in range(20):
            started = time.monotonic()
            http("GET", native["confirmation_url"], headers={"User-Agent": DESKTOP_UA})
            timings.append((time.monotonic() - started) * 1000)
        timings.sort()
        native_bytes = len(http("GET", native["confirmation_url"], headers={"User-Agent": DESKTOP_UA})[2])
        print(f"  figures: page bytes jsapi (WeChat) {len(body)}, native (desktop, QR inline) {native_bytes}; "
              f"native page over loopback, 20 sequential GETs (each an order query to the emulator): "
              f"median {timings[10]:.1f} ms, max {timings[-1]:.1f} ms", flush=True)
        check("default-src 'none'" in csp and "script-src 'nonce-" in csp and "frame-ancestors 'none'" in csp
              and "unsafe" not in csp, "a strict CSP with a nonce", csp)
        nonce = csp.split("script-src 'nonce-")[1].split("'")[0] if "script-src 'nonce-" in csp else "?"
        check(f'nonce="{nonce}"'.encode() in body, "the page's script carries the response's nonce")
        check(h.get("x-content-type-options") == "nosniff" and h.get("referrer-policy") == "no-referrer"
              and h.get("cache-control") == "no-store", "nosniff, no-referrer, no-store")
        _, headers2, _ = http("GET", jsapi["confirmation_url"], headers={"User-Agent": WECHAT_UA})
        check({k.lower(): v for k, v in headers2.items()}.get("content-security-policy") != csp,
              "a fresh nonce per response")
        page_base = jsapi["confirmation_url"].split("?")[0]
        token = jsapi["confirmation_url"].split("?t=")[1]
        wrong = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        other_token = native["confirmation_url"].split("?t=")[1]
        unknown_id = "ai" + "0" * 24 + "-1"
        answers = [http("GET", page_base + "?t=" + wrong), http("GET", page_base),
                   http("GET", page_base + "?t=" + other_token),
                   http("GET", f"{public}/pay/{unknown_id}?t=" + token), http("GET", page_base + "/status?t=" + wrong)]
        check(all(a[0] == 404 for a in answers), "wrong, missing, another intent's token, unknown intent: 404",
              str([a[0] for a in answers]))
        check(len({a[2] for a in answers}) == 1, "... with one and the same body")
        codes = [http("GET", page_base + "/status?t=" + token) for _ in range(16)]
        limited = [c for c in codes if c[0] == 429]
        check(codes[0][0] == 200 and json.loads(codes[0][2])["status"] == "requires_confirmation",
              "the status endpoint answers the state", str(codes[0][:1]))
        check(limited and {k.lower(): v for k, v in limited[0][1].items()}.get("retry-after", "").isdigit(),
              "16 status requests at once: 429 with Retry-After past the limit", str([c[0] for c in codes]))
        check(http("GET", f"{public}/pay/_sandbox/bridge.js")[0] == 200, "against the emulator the bridge is served")
        time.sleep(5)  # let the status bucket refill before the browser polls

        # The browser.
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=420,900", "--hide-scrollbars", "--force-device-scale-factor=1"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if chromium:
            options.binary_location = chromium
        driver_path = shutil.which("chromedriver")
        driver = webdriver.Chrome(options=options, service=Service(driver_path) if driver_path else Service())
        driver.set_page_load_timeout(30)

        def client(ua, language="en-US,en;q=0.9", width=420, height=900):
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": ua, "acceptLanguage": language})
            driver.set_window_size(width, height)

        def state():
            return driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")

        def csp_violations():
            return [e["message"] for e in driver.get_log("browser")
                    if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]

        def shot(name):
            path = os.path.join(ART, name)
            driver.save_screenshot(path)
            return path

        # 1. Inside WeChat: the pay button, the stand-in bridge, paid.
        client(WECHAT_UA)
        driver.get(jsapi["confirmation_url"])
        text = driver.find_element(By.TAG_NAME, "body").text
        check("19.99" in text and "Yunnan coffee beans 500g" in text and "Yunnan Beans" in text,
              "WeChat: merchant, description and 19.99 shown", text)
        countdown = driver.find_element(By.ID, "countdown").text
        time.sleep(1.5)
        check(countdown != driver.find_element(By.ID, "countdown").text, "the countdown runs", countdown)
        check(state() == "requires_confirmation", "WeChat: awaiting confirmation")
        shot("1-wechat-confirm.png")
        driver.find_element(By.ID, "pay").click()
        try:
            WebDriverWait(driver, 30).until(lambda d: state() == "succeeded")
        except Exception:
            pass
        check(state() == "succeeded", "WeChat: after the pay button the page shows paid", state())
        check("Paid" in driver.find_element(By.ID, "state").text, "... with the paid text")
        shot("2-wechat-paid.png")
        limit = time.time() + 20
        delivered = False
        while time.time() < limit and not delivered:
            try:
                with open(events) as f:
                    delivered = any(json.loads(line).get("out_trade_no") == jsapi["intent_id"] or
                                    jsapi["intent_id"] in line for line in f if line.strip())
            except OSError:
                pass
            if not delivered:
                time.sleep(0.2)
        check(delivered, "the emulator's notification went through the server's /webhook into the events file")
        violations = csp_violations()
        check(not violations, "no CSP violation in the console", "\n".join(violations))

        # 2. A desktop: the QR code decodes to the code_url.
        client(DESKTOP_UA, width=1000, height=900)
        driver.get(native["confirmation_url"])
        qr = driver.find_element(By.ID, "qr")
        qr_png = os.path.join(ART, "3-desktop-qr-element.png")
        qr.screenshot(qr_png)
        shot("3-desktop-qr.png")
        if check(shutil.which("zbarimg") is not None, "zbarimg is installed"):
            decoded = subprocess.run(["zbarimg", "--raw", "-q", qr_png], capture_output=True, text=True).stdout.strip()
            check(decoded == native["code_url"], "desktop: the QR code on the page decodes to the code_url",
                  f"{decoded!r} != {native['code_url']!r}")
        check(not driver.find_elements(By.ID, "pay"), "desktop: no pay button")
        check(not csp_violations(), "no CSP violation in the console (QR)")

        # 3. A mobile browser: the H5 link; Chinese.
        client(MOBILE_UA, language="zh-CN,zh;q=0.9,en;q=0.5")
        driver.get(h5["confirmation_url"])
        link = driver.find_elements(By.ID, "h5")
        check(link and link[0].get_attribute("href") == h5["h5_url"], "mobile: the link is WeChat Pay's h5_url")
        text = driver.find_element(By.TAG_NAME, "body").text
        check("确认付款" in text and "5.00" in text, "Accept-Language zh: the page is in Chinese", text)
        shot("4-mobile-h5-zh.png")

        # 4. A wrong token in the browser: the 404 page.
        client(DESKTOP_UA)
        driver.get(page_base + "?t=" + wrong)
        check("Payment not found" in driver.find_element(By.TAG_NAME, "body").text, "wrong token: the 404 page")
        shot("5-not-found.png")

        # 5. The 60 s intent, left open: it expires by itself, with the re-prompt.
        client(DESKTOP_UA, width=1000, height=900)
        driver.get(expiring["confirmation_url"])
        check(state() == "requires_confirmation", "the short intent awaits confirmation")
        left = 62 - (time.time() - expiring_opened)
        try:
            WebDriverWait(driver, max(5, left + 15)).until(lambda d: state() == "expired")
        except Exception:
            pass
        check(state() == "expired", "left open past its expiry, the page shows expired", state())
        check("ask for a new payment link" in driver.find_element(By.ID, "state").text,
              "... with the re-prompt text")
        check(not driver.find_element(By.ID, "qr").is_displayed(), "... and no longer the QR code")
        shot("6-expired.png")
        check(not csp_violations(), "no CSP violation in the console (expiry)")
    finally:
        if driver is not None:
            driver.quit()
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if FAILURES:
            for name in ("server.err", "emulator.err"):
                try:
                    print(f"--- {name} (tail)\n" + open(os.path.join(work, name)).read()[-3000:])
                except OSError:
                    pass
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots: {ART}; the suite took {time.time() - SUITE_STARTED:.0f} s")
    if FAILURES:
        print(f"{len(FAILURES)} failed: " + "; ".join(FAILURES))
        sys.exit(1)
    print("all payment page checks passed")


if __name__ == "__main__":
    main()
