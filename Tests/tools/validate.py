#!/usr/bin/env python3
"""Checks the agent-facing files in functions/ against JSON Schema 2020-12 (test tooling, not shipped).

    validate.py samples [--root DIR]   every schema is a valid 2020-12 schema; every sample event's input validates
                                       against its function's input schema; each tool.json's parameters agree with
                                       its input schema; functions/tools.json is exactly the five tool.json files.
    validate.py instances [--root DIR] reads a JSON array of {"schema": "functions/x/output.schema.json",
                                       "instance": ..., "label": "..."} on stdin and validates each instance.

Prints one JSON report on stdout ({"ok": bool, "checked": N, "errors": [...]}) and exits 0 when everything holds,
1 otherwise, 2 on bad usage. Cross-file $refs (../create-intent/output.schema.json#...) resolve through the schemas'
$id URLs, all loaded up front, so nothing is fetched over the network.
"""
import json
import os
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

FUNCTIONS = ["create-intent", "intent-status", "close-intent", "refund", "refund-status", "webhook", "risk-batch",
             "download-bill", "reconcile", "download-certificates"]
TOOLS = {
    "create-intent": "create_payment_intent",
    "intent-status": "get_payment_status",
    "close-intent": "cancel_payment_intent",
    "refund": "refund_payment",
    "refund-status": "get_refund_status",
}
ENVELOPE_SAMPLES = {
    "create-intent": ["direct.json", "http.json", "apigateway.json", "toolcall.json"],
    "intent-status": ["direct.json", "http.json", "apigateway.json", "toolcall.json"],
    "close-intent": ["direct.json", "http.json", "apigateway.json", "toolcall.json"],
    "refund": ["direct.json", "http.json", "apigateway.json", "toolcall.json"],
    "refund-status": ["direct.json", "http.json", "apigateway.json", "toolcall.json"],
    "webhook": ["http.json", "apigateway.json"],
    "download-bill": ["direct.json", "fundflow.json", "http.json"],
    "download-certificates": ["direct.json", "bootstrap.json", "http.json"],
}


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []
        self.checked = 0
        self.schemas = {}
        resources = []
        for name in FUNCTIONS:
            for kind in ("input", "output"):
                path = os.path.join(root, "functions", name, f"{kind}.schema.json")
                with open(path, encoding="utf-8") as f:
                    schema = json.load(f)
                self.schemas[f"functions/{name}/{kind}.schema.json"] = schema
                resources.append((schema["$id"], Resource.from_contents(schema)))
        self.registry = Registry().with_resources(resources)

    def fail(self, label, message):
        self.errors.append({"label": label, "message": message})

    def validator(self, key):
        return Draft202012Validator(self.schemas[key], registry=self.registry)

    def validate(self, key, instance, label):
        self.checked += 1
        if key not in self.schemas:
            self.fail(label, f"unknown schema {key}")
            return
        for error in self.validator(key).iter_errors(instance):
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            self.fail(label, f"{key} at {where}: {error.message[:300]}")

    # MARK: samples

    def check_schemas(self):
        for key, schema in self.schemas.items():
            self.checked += 1
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                self.fail(key, "$schema must be JSON Schema 2020-12")
            try:
                Draft202012Validator.check_schema(schema)
            except Exception as e:  # noqa: BLE001 - report any schema error
                self.fail(key, f"not a valid 2020-12 schema: {str(e)[:300]}")
            # Every $ref must resolve (a dangling ref would only fail when an instance reaches it).
            for ref in refs(schema):
                try:
                    self.registry.resolver(base_uri=schema["$id"]).lookup(ref)
                except Exception as e:  # noqa: BLE001
                    self.fail(key, f"$ref {ref} does not resolve: {str(e)[:200]}")

    def input_of(self, name, sample, event):
        """The function input an envelope carries, or None after reporting why not."""
        label = f"functions/{name}/{sample}"
        if sample == "toolcall.json":
            fn = event.get("function") or {}
            if event.get("type") != "function" or not isinstance(event.get("id"), str):
                self.fail(label, "a tool call needs \"type\": \"function\" and an \"id\"")
            if fn.get("name") != TOOLS.get(name):
                self.fail(label, f"function.name must be {TOOLS.get(name)}")
            if not isinstance(fn.get("arguments"), str):
                self.fail(label, "function.arguments must be a JSON string")
                return None
            return json.loads(fn["arguments"])
        if sample in ("http.json", "apigateway.json"):
            if not isinstance(event.get("body"), str) or not isinstance(event.get("headers"), dict):
                self.fail(label, "an HTTP envelope needs headers (object) and body (string)")
                return None
            if sample == "apigateway.json":
                ctx = event.get("requestContext")
                if event.get("version") != "2.0" or not isinstance(ctx, dict) or "http" not in ctx:
                    self.fail(label, "an API Gateway HTTP API event needs version 2.0 and requestContext.http")
            elif "requestContext" in event:
                self.fail(label, "the plain HTTP sample must not have requestContext")
            if name == "webhook":
                return event
            return json.loads(event["body"])
        return event

    def check_samples(self):
        for name, samples in ENVELOPE_SAMPLES.items():
            for sample in samples:
                path = os.path.join(self.root, "functions", name, sample)
                label = f"functions/{name}/{sample}"
                if not os.path.exists(path):
                    self.fail(label, "missing")
                    continue
                with open(path, encoding="utf-8") as f:
                    event = json.load(f)
                value = self.input_of(name, sample, event)
                if value is not None:
                    self.validate(f"functions/{name}/input.schema.json", value, label)
                    if name == "webhook":
                        self.validate_webhook_body(event, label)
        # risk-batch: every NDJSON line is a transaction; the batch event validates as a whole.
        base = os.path.join(self.root, "functions", "risk-batch")
        with open(os.path.join(base, "transactions.ndjson"), encoding="utf-8") as f:
            lines = [line for line in f.read().split("\n") if line.strip()]
        if not lines:
            self.fail("functions/risk-batch/transactions.ndjson", "empty")
        for i, line in enumerate(lines, 1):
            label = f"functions/risk-batch/transactions.ndjson:{i}"
            value = json.loads(line)
            self.validate("functions/risk-batch/input.schema.json", value, label)
            if not isinstance(value, dict) or "transactions" in value:
                self.fail(label, "each NDJSON line must be one transaction object")
        with open(os.path.join(base, "batch.json"), encoding="utf-8") as f:
            batch = json.load(f)
        self.validate("functions/risk-batch/input.schema.json", batch, "functions/risk-batch/batch.json")
        if not isinstance(batch, dict) or not isinstance(batch.get("transactions"), list):
            self.fail("functions/risk-batch/batch.json", "a batch event is {\"transactions\": [...]}")

    def validate_webhook_body(self, event, label):
        body = json.loads(event["body"])
        schema = self.schemas["functions/webhook/input.schema.json"]
        sub = dict(schema["$defs"]["notificationBody"])
        sub["$defs"] = schema["$defs"]
        self.checked += 1
        for error in Draft202012Validator(sub, registry=self.registry).iter_errors(body):
            self.fail(label, f"notification body: {error.message[:300]}")

    def check_tools(self):
        combined_path = os.path.join(self.root, "functions", "tools.json")
        with open(combined_path, encoding="utf-8") as f:
            combined = json.load(f)
        singles = []
        for name, tool_name in TOOLS.items():
            label = f"functions/{name}/tool.json"
            self.checked += 1
            with open(os.path.join(self.root, "functions", name, "tool.json"), encoding="utf-8") as f:
                tool = json.load(f)
            singles.append(tool)
            fn = tool.get("function") or {}
            if tool.get("type") != "function" or fn.get("name") != tool_name:
                self.fail(label, f"must be {{\"type\": \"function\", \"function\": {{\"name\": \"{tool_name}\", ...}}}}")
            if len(fn.get("description", "")) < 80:
                self.fail(label, "the description must tell a model what it needs (too short)")
            params = fn.get("parameters") or {}
            try:
                Draft202012Validator.check_schema(params)
            except Exception as e:  # noqa: BLE001
                self.fail(label, f"parameters is not a valid schema: {e}")
            if params.get("type") != "object" or params.get("additionalProperties") is not False:
                self.fail(label, "parameters must be an object schema with additionalProperties false")
            schema = self.schemas[f"functions/{name}/input.schema.json"]
            if set(params.get("properties", {})) != set(schema.get("properties", {})):
                self.fail(label, f"parameters {sorted(params.get('properties', {}))} differ from the input schema's "
                                 f"{sorted(schema.get('properties', {}))}")
            if set(params.get("required", [])) != set(schema.get("required", [])):
                self.fail(label, "parameters.required differs from the input schema's required")
            for prop, sub in params.get("properties", {}).items():
                if not sub.get("description"):
                    self.fail(label, f"parameter {prop} has no description")
                mine = schema.get("properties", {}).get(prop, {})
                for bound in ("minimum", "maximum", "minLength", "maxLength", "pattern", "enum"):
                    if bound in sub and bound in mine and sub[bound] != mine[bound]:
                        self.fail(label, f"parameter {prop}.{bound} differs from the input schema")
            # The sample arguments must also satisfy the looser tool parameters.
            with open(os.path.join(self.root, "functions", name, "toolcall.json"), encoding="utf-8") as f:
                arguments = json.loads(json.load(f)["function"]["arguments"])
            self.checked += 1
            for error in Draft202012Validator(params).iter_errors(arguments):
                self.fail(label, f"toolcall.json arguments against the tool parameters: {error.message[:300]}")
        self.checked += 1
        if combined != singles:
            self.fail("functions/tools.json", "must be exactly the five tool.json files, in the order create_payment_intent, "
                                              "get_payment_status, cancel_payment_intent, refund_payment, "
                                              "get_refund_status")

    # MARK: instances

    def check_instances(self, items):
        for i, item in enumerate(items):
            self.validate(item.get("schema", ""), item.get("instance"), item.get("label") or f"instance {i}")


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def main(argv):
    if len(argv) < 2 or argv[1] not in ("samples", "instances"):
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if "--root" in argv:
        root = argv[argv.index("--root") + 1]
    checker = Checker(root)
    if argv[1] == "samples":
        checker.check_schemas()
        checker.check_samples()
        checker.check_tools()
    else:
        checker.check_instances(json.load(sys.stdin))
    print(json.dumps({"ok": not checker.errors, "checked": checker.checked, "errors": checker.errors},
                     ensure_ascii=False))
    return 0 if not checker.errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
