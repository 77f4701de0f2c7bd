#!/usr/bin/env python3
"""wxpay-server started exactly as China's serverless web platforms start it, then a signed notification through it.

    python3 Tests/server/platforms.py      (WXPAY_BIN_DIR: where wxpay-server and wxpay-simulate are)

- Tencent Cloud SCF web function: a code directory holding infra/scf-web/scf_bootstrap and wxpay-server; the
  bootstrap is run from it with the environment of infra/scf-web/serverless.yml (the secrets and events paths moved
  into a temporary directory) plus SCF's own variables; the server must answer on 0.0.0.0:9000.
- Alibaba Cloud Function Compute custom runtime: the same with infra/fc/bootstrap (the command of infra/fc/s.yaml)
  and s.yaml's environment, FC_SERVER_PORT=9000 and then another port; x-fc-request-id must be the id of the
  request's log line.
Each: GET /healthz, then a genuine notification answered 200 SUCCESS and handed on to the events file, then a stale
one refused 401, then SIGTERM and exit 0.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("WXPAY_BIN_DIR") or subprocess.run(
    ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
FAILURES = []


def check(condition, what, detail=""):
    print(("  ok   " if condition else "  FAIL ") + what + ("" if condition or not detail else f"\n       {detail}"))
    if not condition:
        FAILURES.append(what)


def free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def wait_port(port, proc, timeout=15):
    limit = time.time() + timeout
    while time.time() < limit and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def simulate(*args):
    return subprocess.run([os.path.join(BIN, "wxpay-simulate"), *args], capture_output=True, check=True).stdout


def request(port, method, path, body=b"", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    out = r.status, r.read()
    c.close()
    return out


def platform(name, bootstrap, descriptor_env, platform_env, port, work):
    print(f"{name}: {os.path.relpath(bootstrap, ROOT)} on port {port}")
    code = os.path.join(work, f"code-{name}-{port}")
    os.makedirs(code)
    shutil.copy(bootstrap, code)
    shutil.copy(os.path.join(BIN, "wxpay-server"), code)
    data = os.path.join(work, f"data-{name}-{port}")
    os.makedirs(data)
    shutil.copy(os.path.join(work, "keys", "secrets.json"), os.path.join(data, "wxpay.json"))
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
    env.update({k: str(v) for k, v in descriptor_env.items()})
    # The descriptor's paths point at a mounted file system; here they move into the temporary directory.
    for key in ("WXPAY_SECRETS_FILE", "WXPAY_EVENTS_FILE"):
        env[key] = os.path.join(data, os.path.basename(env[key]))
    env.update(platform_env)
    if not free(port):
        check(False, f"port {port} is free for the {name} check", "another program holds it")
        return
    log = open(os.path.join(work, f"{name}-{port}.log"), "w+")
    proc = subprocess.Popen([os.path.join(code, os.path.basename(bootstrap))], cwd=code, env=env,
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        check(wait_port(port, proc), f"{name}: the bootstrap starts the server on port {port}")
        status, body = request(port, "GET", "/healthz")
        check(status == 200, f"{name}: GET /healthz 200")
        raw = json.loads(simulate("notify", "--sandbox", os.path.join(work, "keys", "sandbox.json"), "--style", "raw",
                                  "--out-trade-no", f"{name.upper()}-{port}"))
        headers = dict(raw["headers"])
        request_id = f"{name}-req-{port}"
        headers["x-fc-request-id" if name == "fc" else "x-scf-request-id"] = request_id
        status, body = request(port, "POST", "/webhook", raw["body"].encode(), headers)
        check(status == 200 and json.loads(body).get("code") == "SUCCESS",
              f"{name}: a signed notification through POST /webhook is 200 SUCCESS", (status, body[:300]))
        events = open(env["WXPAY_EVENTS_FILE"]).read().splitlines() if os.path.exists(env["WXPAY_EVENTS_FILE"]) else []
        check(len(events) == 1 and json.loads(events[0]).get("out_trade_no") == f"{name.upper()}-{port}",
              f"{name}: the event is handed on to WXPAY_EVENTS_FILE", events)
        stale = json.loads(simulate("notify", "--sandbox", os.path.join(work, "keys", "sandbox.json"), "--style", "raw",
                                    "--fault", "stale"))
        status, body = request(port, "POST", "/webhook", stale["body"].encode(), stale["headers"])
        check(status == 401, f"{name}: a stale notification is refused 401", (status, body[:200]))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    check(proc.returncode == 0, f"{name}: SIGTERM stops it with exit 0 ({proc.returncode})")
    log.seek(0)
    lines = [json.loads(l) for l in log.read().splitlines() if l.startswith("{")]
    ids = [l.get("request_id") for l in lines if l.get("msg") == "request" and l.get("route") == "webhook"]
    check(request_id in ids, f"{name}: the platform's request id is the log line's request_id", ids)


def main():
    work = tempfile.mkdtemp(prefix="wxpay-platforms-")
    try:
        simulate("keys", "--out", os.path.join(work, "keys"))
        scf = yaml.safe_load(open(os.path.join(ROOT, "infra/scf-web/serverless.yml")))
        inputs = scf["inputs"]
        check(inputs["type"] == "web" and inputs["entryFile"] == "scf_bootstrap", "serverless.yml: a web function run by scf_bootstrap")
        platform("scf", os.path.join(ROOT, "infra/scf-web/scf_bootstrap"), inputs["environment"]["variables"],
                 {"SCF_RUNTIME": "custom", "SCF_FUNCTIONNAME": inputs["name"], "SCF_FUNCTIONVERSION": "$LATEST",
                  "TENCENTCLOUD_REGION": inputs["region"], "USER_CODE_ROOT": "/var/user"}, 9000, work)

        fc = yaml.safe_load(open(os.path.join(ROOT, "infra/fc/s.yaml")))
        props = fc["resources"]["wxpay-webhook"]["props"]
        command = props["customRuntimeConfig"]["command"]
        check(command == ["/code/bootstrap"] and props["customRuntimeConfig"]["port"] == 9000,
              "s.yaml: the custom runtime runs /code/bootstrap on port 9000")
        fc_env = {"FC_FUNCTION_NAME": props["functionName"], "FC_REGION": props["region"],
                  "FC_RUNTIME_VERSION": props["runtime"], "FC_INSTANCE_ID": "c-test"}
        platform("fc", os.path.join(ROOT, "infra/fc/bootstrap"), props["environmentVariables"],
                 dict(fc_env, FC_SERVER_PORT="9000"), 9000, work)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            other = s.getsockname()[1]
        platform("fc", os.path.join(ROOT, "infra/fc/bootstrap"), props["environmentVariables"],
                 dict(fc_env, FC_SERVER_PORT=str(other)), other, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} failed:\n  " + "\n  ".join(FAILURES))
        return 1
    print("\nall platform checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
