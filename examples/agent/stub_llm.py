#!/usr/bin/env python3
"""A small OpenAI-compatible chat endpoint for tests: scripted answers, every request recorded.

    python3 stub_llm.py --script script.json --record requests.ndjson [--port 0] [--api-key KEY] [--gate-dir DIR]

Prints one line {"listening": "http://127.0.0.1:PORT/v1"} on stdout once it accepts connections, then serves:

  POST /v1/chat/completions (or /chat/completions)
      Appends the request body, exactly as received, as one line to the --record file (plus a line in
      <record>.meta with the path, model and whether the Authorization header matched --api-key), then answers
      with the next step of the script as a chat.completion. No streaming.
  GET  /v1/models
      The model names the script declares.

The script is a JSON object {"model": "...", "steps": [STEP, ...]}; a STEP is
  {"tool_calls": [{"name": "create_payment_intent", "arguments": {...}}, ...]}   the model calls tools, or
  {"content": "text"}                                                           the model answers,
optionally with
  "expect_contains": ["text", ...]   the request body must contain each text, else HTTP 400 (the test fails loudly)
  "expect_absent":   ["text", ...]   the request body must contain none of them, else HTTP 400
  "gate": "NAME"                     before answering, create <gate-dir>/NAME.waiting and wait (30 s at most) until
                                     <gate-dir>/NAME.go exists: lets a test act (e.g. expire an order) mid-conversation.
After the last step every request gets HTTP 500. Only the standard library is used.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Script:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        self.model = data.get("model", "stub-model")
        self.steps = list(data["steps"])
        self.next = 0
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.next >= len(self.steps):
                return None, self.next
            step = self.steps[self.next]
            self.next += 1
            return step, self.next


def completion(model, step, number):
    message = {"role": "assistant", "content": step.get("content")}
    finish = "stop"
    if step.get("tool_calls"):
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": "call_stub_%d_%d" % (number, i + 1),
                "type": "function",
                "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments", {}), ensure_ascii=False)},
            }
            for i, c in enumerate(step["tool_calls"])
        ]
        finish = "tool_calls"
    return {
        "id": "chatcmpl-stub-%d" % number,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def make_handler(script, record, api_key, gate_dir):
    record_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # keep stdout for the listening line; log to stderr
            sys.stderr.write("stub_llm: " + (fmt % args) + "\n")

        def answer(self, status, obj):
            body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def error(self, status, message):
            self.answer(status, {"error": {"message": message, "type": "stub_error", "code": status}})

        def do_GET(self):
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                self.answer(200, {"object": "list", "data": [{"id": script.model, "object": "model", "owned_by": "stub"}]})
            else:
                self.error(404, "not found: " + self.path)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                return self.error(404, "not found: " + self.path)
            try:
                request = json.loads(raw)
            except ValueError:
                return self.error(400, "the body is not JSON")
            authorized = api_key is None or self.headers.get("Authorization") == "Bearer " + api_key
            with record_lock:
                with open(record, "ab") as f:
                    f.write(raw.replace(b"\n", b" ") + b"\n")
                with open(record + ".meta", "a", encoding="utf-8") as f:
                    f.write(json.dumps({"path": self.path, "model": request.get("model"), "authorized": authorized}) + "\n")
            if not authorized:
                return self.error(401, "missing or wrong API key")
            step, number = script.take()
            if step is None:
                return self.error(500, "the script has no step %d" % (number + 1))
            text = raw.decode("utf-8", errors="replace")
            missing = [t for t in step.get("expect_contains", []) if t not in text]
            present = [t for t in step.get("expect_absent", []) if t in text]
            if missing or present:
                return self.error(400, "step %d: request lacks %r / holds %r" % (number, missing, present))
            gate = step.get("gate")
            if gate:
                waiting = os.path.join(gate_dir, gate + ".waiting")
                go = os.path.join(gate_dir, gate + ".go")
                open(waiting, "w").close()
                deadline = time.time() + 30
                while not os.path.exists(go):
                    if time.time() > deadline:
                        return self.error(504, "gate %s was never opened" % gate)
                    time.sleep(0.05)
            self.answer(200, completion(request.get("model") or script.model, step, number))

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--script", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default=None, help="require 'Authorization: Bearer KEY'")
    parser.add_argument("--gate-dir", default=".")
    args = parser.parse_args()

    script = Script(args.script)
    open(args.record, "wb").close()
    open(args.record + ".meta", "w").close()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(script, args.record, args.api_key, args.gate_dir))
    server.daemon_threads = True
    print(json.dumps({"listening": "http://%s:%d/v1" % (args.host, server.server_address[1])}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
