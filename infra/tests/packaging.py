#!/usr/bin/env python3
"""Proves the packaged artefacts of infra/build.sh on this machine (run by infra/test.sh, as root).

Each Lambda zip is unpacked into an empty root that holds nothing but the zip's content at /var/task (plus the test's
input files under /tmp), and run there with chroot: in CLI mode, in Lambda mode against a fake Runtime API, and
calling out through the bundled libcurl. The OCI image's root filesystem runs wxpay-server serving POST /webhook.
Figures (sizes, time from process start to first answer) go to out/figures.json.
"""
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.environ.get("WXPAY_OUT", os.path.join(ROOT, "out"))
SIMULATE = sys.argv[1]  # a wxpay-simulate binary (host build)
IMAGE_ROOT = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None  # the mounted wxpay-server image root

MB = 1_000_000
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
results = []
figures = {"binaries": {}, "lambda_zips": {}, "first_answer_ms": {}, "lambda_first_answer_ms": {}}


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + name + (f"  [{detail}]" if detail and not ok else ""), flush=True)
    return ok


def functions():
    names, zipped = [], []
    for line in open(os.path.join(ROOT, "infra", "functions.txt")):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        names.append(parts[0])
        if "image-only" not in parts[1:]:
            zipped.append(parts[0])
    return names, zipped


def run(cmd, stdin=b"", env=None, timeout=30):
    return subprocess.run(cmd, input=stdin, capture_output=True, env=env, timeout=timeout)


def simulate(*args):
    p = run([SIMULATE, *args])
    if p.returncode != 0:
        raise RuntimeError(f"wxpay-simulate {args}: {p.stderr.decode()}")
    return p.stdout


def empty_root_with(zip_path):
    """A fresh directory holding only the zip's content at /var/task, and an empty /tmp for inputs."""
    root = tempfile.mkdtemp(prefix="lambda-root-")
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(os.path.join(root, "var", "task"))
    for info in zipfile.ZipFile(zip_path).infolist():  # zipfile drops the mode bits
        mode = info.external_attr >> 16
        if mode:
            os.chmod(os.path.join(root, "var", "task", info.filename), mode & 0o7777)
    os.makedirs(os.path.join(root, "tmp"))
    mount_proc(root)
    return root


MOUNTED = []


def mount_proc(root):
    """Lambda's sandbox and every container have /proc; the loader resolves $ORIGIN and Swift reads its arguments
    through it. The kernel interface only: nothing from the host's files."""
    path = os.path.join(root, "proc")
    os.makedirs(path, exist_ok=True)
    subprocess.run(["mount", "-t", "proc", "proc", path], check=True)
    MOUNTED.append(path)


def unmount_all():
    while MOUNTED:
        subprocess.run(["umount", "-l", MOUNTED.pop()], check=False)


def remove_root(root):
    path = os.path.join(root, "proc")
    if path in MOUNTED:
        MOUNTED.remove(path)
        subprocess.run(["umount", "-l", path], check=False)
    shutil.rmtree(root, ignore_errors=True)


def lambda_env(extra):
    # What provided.al2023 sets that matters to the loader: /lib64 comes first in LD_LIBRARY_PATH.
    env = {"LD_LIBRARY_PATH": "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
           "LAMBDA_TASK_ROOT": "/var/task", "PATH": "/usr/local/bin:/usr/bin:/bin", "LOG_LEVEL": "warning"}
    env.update(extra)
    return env


def first_answer(cmd, stdin, env):
    """Runs cmd; returns (ms from process start to the first stdout line, that line, exit status)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdin.write(stdin)
    p.stdin.close()
    line = p.stdout.readline()
    elapsed = (time.perf_counter() - start) * 1000
    p.wait(timeout=30)
    return elapsed, line, p.returncode, p.stderr.read()


class Recorder(http.server.BaseHTTPRequestHandler):
    """A local forward_url: records POSTs, answers 204."""
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Recorder.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class FakeRuntime(http.server.BaseHTTPRequestHandler):
    """A one-invocation AWS Lambda Runtime API (2018-06-01)."""
    event = b""
    posts = []
    handed_out = threading.Event()

    def do_GET(self):
        if self.path != "/2018-06-01/runtime/invocation/next":
            self.send_response(404)
            self.end_headers()
            return
        if FakeRuntime.handed_out.is_set():
            time.sleep(30)  # no second invocation: hold /next like Lambda does
            return
        FakeRuntime.handed_out.set()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 3000))
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419")
        self.send_header("Content-Length", str(len(FakeRuntime.event)))
        self.end_headers()
        self.wfile.write(FakeRuntime.event)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        FakeRuntime.posts.append((self.path, time.perf_counter(), body))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve(handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    names, zipped = functions()
    work = tempfile.mkdtemp(prefix="packaging-")
    keys = os.path.join(work, "keys")
    hook = serve(Recorder)
    forward_url = f"http://127.0.0.1:{hook.server_port}/hooks/wxpay"
    simulate("keys", "--out", keys, "--forward-url", forward_url)
    sandbox = os.path.join(keys, "sandbox.json")

    # ---- sizes ----------------------------------------------------------------------------------------------------
    for name in names + ["wxpay-server"]:
        size = os.path.getsize(os.path.join(OUT, "bin", name))
        figures["binaries"][name] = size
        if name in zipped:
            check(f"binary {name} is under 15 MB ({size / MB:.2f} MB)", size < 15 * MB)
        elif size >= 15 * MB:  # image-only tools (wxpay-mcp) and wxpay-server (SwiftNIO): reported, not enforced
            print(f"# NOTE: image-only {name} is {size / MB:.2f} MB (the 15 MB limit is for function binaries)", flush=True)
    for name in zipped:
        figures["lambda_zips"][name] = os.path.getsize(os.path.join(OUT, "lambda", name + ".zip"))

    # ---- the zip carries everything: bootstrap's interpreter and libraries resolve inside it ----------------------
    webhook_zip = os.path.join(OUT, "lambda", "webhook.zip")
    with zipfile.ZipFile(webhook_zip) as z:
        members = set(z.namelist())
    check("webhook.zip holds bootstrap, the loader, libc, OpenSSL, libcurl and the CA bundle",
          {"bootstrap", "lib/ld-linux-x86-64.so.2", "lib/libc.so.6", "lib/libssl.so.3", "lib/libcrypto.so.3",
           "lib/libcurl.so.4", "lib/libnghttp2.so.14", "ca-certificates.crt"} <= members)

    # ---- webhook in an empty root: CLI mode, the decrypted event comes back ----------------------------------------
    root = empty_root_with(webhook_zip)
    shutil.copy(os.path.join(keys, "secrets.json"), os.path.join(root, "tmp", "secrets.json"))
    plain = simulate("notify", "--sandbox", sandbox, "--out-trade-no", "CHROOT-1")
    ms, line, status, err = first_answer([CHROOT, root, "/var/task/bootstrap"], plain,
                                         lambda_env({"WXPAY_SECRETS_FILE": "/tmp/secrets.json"}))
    answer = json.loads(line or b"{}")
    check("webhook.zip in an empty root (chroot): a genuine notification is 200 and decrypts",
          status == 0 and answer.get("statusCode") == 200
          and answer.get("event", {}).get("out_trade_no") == "CHROOT-1", (status, line[:300], err[-600:]))
    check("the forward_url call-out went through the bundled libcurl, signed",
          len(Recorder.received) == 1 and "Wxpay-Agent-Signature" in Recorder.received[0][0]
          and b"CHROOT-1" in Recorder.received[0][1], Recorder.received)
    figures["first_answer_ms"]["webhook"] = round(ms, 1)

    stale = simulate("notify", "--sandbox", sandbox, "--fault", "stale")
    _, line, status, _ = first_answer([CHROOT, root, "/var/task/bootstrap"], stale,
                                      lambda_env({"WXPAY_SECRETS_FILE": "/tmp/secrets.json"}))
    check("webhook.zip in the empty root refuses a stale notification: 401, exit 77",
          status == 77 and json.loads(line).get("statusCode") == 401, (status, line[:200]))

    # ---- webhook in the empty root, Lambda mode against a fake Runtime API ----------------------------------------
    FakeRuntime.event = simulate("notify", "--sandbox", sandbox, "--style", "apigw-v2", "--out-trade-no", "CHROOT-2")
    runtime = serve(FakeRuntime)
    start = time.perf_counter()
    proc = subprocess.Popen([CHROOT, root, "/var/task/bootstrap"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=lambda_env({"WXPAY_SECRETS_FILE": "/tmp/secrets.json",
                                            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.server_port}"}))
    deadline = time.time() + 15
    while not FakeRuntime.posts and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.kill()
    _, lerr = proc.communicate()
    runtime.shutdown()
    ok = bool(FakeRuntime.posts) and FakeRuntime.posts[0][0].endswith("/8476a536-e9f4-11e8-9739-2dfe598c3fcd/response")
    reply = json.loads(FakeRuntime.posts[0][2]) if FakeRuntime.posts else {}
    check("webhook.zip as a Lambda bootstrap in the empty root: the Runtime API receives the 200 answer",
          ok and reply.get("statusCode") == 200 and set(reply) == {"statusCode", "headers", "body"},
          (FakeRuntime.posts[:1], lerr[-600:]))
    if FakeRuntime.posts:
        figures["lambda_first_answer_ms"]["webhook"] = round((FakeRuntime.posts[0][1] - start) * 1000, 1)

    # ---- every other zip starts and answers in its own empty root -------------------------------------------------
    for name in zipped:
        zroot = empty_root_with(os.path.join(OUT, "lambda", name + ".zip"))
        p = run([CHROOT, zroot, "/var/task/bootstrap", "--version"], env=lambda_env({}))
        check(f"{name}.zip: bootstrap --version runs in an empty root", p.returncode == 0 and name in p.stdout.decode(),
              (p.returncode, p.stderr[-300:]))
        if name != "webhook":
            ms, line, status, err = first_answer([CHROOT, zroot, "/var/task/bootstrap"], b"{}",
                                                 lambda_env({"WXPAY_SECRETS_FILE": "/tmp/none.json"}))
            try:
                parsed = json.loads(line)
            except ValueError:
                parsed = None
            check(f"{name}.zip: answers an event with one JSON object and a contract exit status ({status})",
                  isinstance(parsed, dict) and status in (0, 1, 65, 69, 75, 77, 78), (status, line[:200], err[-300:]))
            figures["first_answer_ms"][name] = round(ms, 1)
        remove_root(zroot)
    remove_root(root)

    # ---- the image's root filesystem: wxpay-server serving POST /webhook (the Knative / Cloud Run path) -----------
    if IMAGE_ROOT:
        mount_proc(IMAGE_ROOT)
        os.makedirs(os.path.join(IMAGE_ROOT, "run", "secrets"), exist_ok=True)
        shutil.copy(os.path.join(keys, "secrets.json"), os.path.join(IMAGE_ROOT, "run", "secrets", "wxpay.json"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        start = time.perf_counter()
        # As the image runs it: its entry point, its environment (PORT; the host is narrowed to loopback here).
        front = subprocess.Popen([CHROOT, IMAGE_ROOT, "/usr/local/bin/entrypoint", "--host", "127.0.0.1"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={"PORT": str(port), "WXPAY_SECRETS_FILE": "/run/secrets/wxpay.json",
                                      "LOG_LEVEL": "warning"})
        listening = json.loads(front.stdout.readline() or b"{}").get("listening")
        figures["first_answer_ms"]["wxpay-server (listening)"] = round((time.perf_counter() - start) * 1000, 1)
        raw = json.loads(simulate("notify", "--sandbox", sandbox, "--style", "raw", "--out-trade-no", "IMAGE-1"))
        import http.client
        status, body = None, b""
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/webhook", body=raw["body"].encode(), headers=raw["headers"])
            r = c.getresponse()
            status, body = r.status, r.read()
        except OSError as error:
            body = str(error).encode()
        finally:
            front.kill()
            _, ferr = front.communicate()
        check("wxpay-server image root: the entry point answers POST /webhook on $PORT with 200",
              listening == f"http://127.0.0.1:{port}" and status == 200 and json.loads(body or b"{}").get("code") == "SUCCESS",
              (listening, status, body[:200], ferr[-600:]))

    hook.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(OUT, "figures.json"), "w") as f:
        json.dump(figures, f, indent=2, sort_keys=True)
    passed = sum(results)
    print(f"packaging: {passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        unmount_all()
