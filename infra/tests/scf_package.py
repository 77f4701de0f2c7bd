#!/usr/bin/env python3
"""Proves the Tencent Cloud SCF packages of infra/build.sh (out/scf/NAME/) by running them (run by infra/test.sh).

    python3 infra/tests/scf_package.py OUT [WXPAY_SIMULATE]

For every package: `bootstrap --version` runs the function the handler names through the bundled loader; a handler
naming no binary of the package is refused (64); and the bootstrap, started as SCF starts it (`_HANDLER`,
`SCF_RUNTIME_API`, `SCF_RUNTIME_API_PORT`, the package as working directory), posts /runtime/init/ready before its
first /runtime/invocation/next and posts one answer for one invocation. With WXPAY_SIMULATE, webhook gets a genuine
notification as SCF's API Gateway trigger sends it and must answer 200 in SCF's integration-response shape.
Prints "scf packages: N passed, M failed"; exit status 1 on any failure.
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

OUT = sys.argv[1]
SIMULATE = sys.argv[2] if len(sys.argv) > 2 else None
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok - " if ok else "not ok - ") + name + (f"  [{detail}]" if detail and not ok else ""), flush=True)


class StandIn(http.server.BaseHTTPRequestHandler):
    """A one-invocation SCF runtime API: ready, then one event on /next, then the answer recorded."""
    event = b"{}"
    log = []  # (method, path, body)
    handed_out = threading.Event()

    def do_GET(self):
        StandIn.log.append(("GET", self.path, b""))
        if self.path != "/runtime/invocation/next" or StandIn.handed_out.is_set():
            time.sleep(20 if self.path == "/runtime/invocation/next" else 0)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        StandIn.handed_out.set()
        self.send_response(200)
        self.send_header("request_id", "3f1e0c8a-5b0d-4d7e-9a51-2c7d2b1a9e10")
        self.send_header("memory_limit_in_mb", "256")
        self.send_header("time_limit_in_ms", "3000")
        self.send_header("Content-Length", str(len(StandIn.event)))
        self.end_headers()
        self.wfile.write(StandIn.event)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        StandIn.log.append(("POST", self.path, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def invoke(package, name, event, extra_env):
    StandIn.event, StandIn.log = event, []
    StandIn.handed_out.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {"PATH": "/usr/bin:/bin", "_HANDLER": f"{name}.main", "SCF_RUNTIME_API": "127.0.0.1",
           "SCF_RUNTIME_API_PORT": str(server.server_port), "LOG_LEVEL": "warning", **extra_env}
    proc = subprocess.Popen(["/bin/sh", "./bootstrap"], cwd=package, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 15
    answers = []
    while time.time() < deadline and proc.poll() is None:
        answers = [e for e in StandIn.log if e[0] == "POST" and e[1].startswith("/runtime/invocation/")]
        if answers:
            break
        time.sleep(0.01)
    proc.kill()
    _, err = proc.communicate()
    server.shutdown()
    return list(StandIn.log), answers, err


def main():
    scf = os.path.join(OUT, "scf")
    names = sorted(n for n in os.listdir(scf) if os.path.isdir(os.path.join(scf, n)))
    check("infra/build.sh wrote SCF packages", names, scf)
    work = tempfile.mkdtemp(prefix="scf-package-")
    secrets, notification = None, None
    if SIMULATE:
        subprocess.run([SIMULATE, "keys", "--out", work], check=True, capture_output=True)
        secrets = os.path.join(work, "secrets.json")
        notification = subprocess.run([SIMULATE, "notify", "--sandbox", os.path.join(work, "sandbox.json"),
                                       "--style", "scf-apigw", "--out-trade-no", "SCF-1"],
                                      check=True, capture_output=True).stdout
    for name in names:
        package = os.path.join(scf, name)
        env = {"PATH": "/usr/bin:/bin", "_HANDLER": f"{name}.main"}
        p = subprocess.run(["/bin/sh", "./bootstrap", "--version"], cwd=package, env=env, capture_output=True)
        check(f"scf/{name}: bootstrap --version runs {name} through the bundled loader",
              p.returncode == 0 and name in p.stdout.decode(), (p.returncode, p.stderr[-300:]))
        p = subprocess.run(["/bin/sh", "./bootstrap"], cwd=package, env={**env, "_HANDLER": "nothing.main"},
                           capture_output=True)
        check(f"scf/{name}: a handler naming no binary of the package is refused (64)", p.returncode == 64,
              (p.returncode, p.stderr[-200:]))

        if name == "webhook" and notification:
            log, answers, err = invoke(package, name, notification, {
                "WXPAY_SECRETS_URL": "file://" + secrets, "WXPAY_EVENTS_FILE": os.path.join(work, "events.ndjson")})
        else:
            log, answers, err = invoke(package, name, b"{}", {"WXPAY_SECRETS_URL": "file:///nonexistent.json"})
        order = [(m, path) for m, path, _ in log]
        ready_first = bool(order) and order[0] == ("POST", "/runtime/init/ready")
        check(f"scf/{name}: ready is posted before the first /next, then one answer is posted",
              ready_first and len(answers) == 1, (order[:4], err[-400:]))
        if not answers:
            continue
        path, body = answers[0][1], answers[0][2]
        try:
            answer = json.loads(body)
        except ValueError:
            answer = None
        if name == "webhook" and notification:
            check("scf/webhook: a genuine notification through SCF's API Gateway shape is answered 200, as SCF's "
                  "integration response", path == "/runtime/invocation/response" and isinstance(answer, dict)
                  and answer.get("statusCode") == 200 and answer.get("isBase64Encoded") is False
                  and set(answer) == {"isBase64Encoded", "statusCode", "headers", "body"}, (path, body[:300]))
        else:
            check(f"scf/{name}: the answer is one JSON object (a response, or an error post with a code)",
                  isinstance(answer, dict) and (path == "/runtime/invocation/response" or "errorType" in answer),
                  (path, body[:300]))
    passed = sum(results)
    print(f"scf packages: {passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
