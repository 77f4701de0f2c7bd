#!/usr/bin/env python3
"""Checks the serverless descriptors under infra/ (run by infra/test.sh after infra/build.sh, so packages exist).

    python3 infra/tests/descriptors.py [ROOT]

Every `serverless.yml` / `serverless.yaml` (Serverless Framework components, e.g. Tencent Cloud SCF) and `s.yaml` /
`s.yml` (Serverless Devs, e.g. Alibaba Cloud FC) under infra/ must:
  - parse as one YAML mapping;
  - name only files that exist: every `src`, `codeUri` and `code` value that is a local path, and every string that
    starts with `./` or `../`, resolved from the descriptor's own folder (values with `${...}` or `://` are not paths);
  - for a Tencent `scf` component of `type: event` with `runtime: CustomRuntime`: have a handler `NAME.main` whose
    NAME is listed in infra/functions.txt, and a code folder holding an executable `bootstrap` and an executable NAME
    (the bootstrap runs the binary the handler names).
Prints one line per descriptor; exit status 0 when all hold, 1 otherwise.
"""
import os
import sys

import yaml

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
NAMES = {"serverless.yml", "serverless.yaml", "s.yaml", "s.yml"}
PATH_KEYS = {"src", "codeUri", "code"}


def listed_functions():
    names = set()
    for line in open(os.path.join(ROOT, "infra", "functions.txt")):
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            names.add(parts[0])
    return names


def is_path(value):
    return isinstance(value, str) and value and "${" not in value and "://" not in value


def referenced_paths(node, key=None):
    """Local paths the document names: PATH_KEYS values, and strings that start with ./ or ../."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from referenced_paths(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from referenced_paths(v, key)
    elif is_path(node) and (key in PATH_KEYS or node.startswith("./") or node.startswith("../")):
        yield node


def executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def check(path, functions):
    problems = []
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except yaml.YAMLError as error:
        return [f"does not parse: {error}"]
    if not isinstance(doc, dict):
        return ["is not a YAML mapping"]
    here = os.path.dirname(path)
    for ref in sorted(set(referenced_paths(doc))):
        if not os.path.exists(os.path.normpath(os.path.join(here, ref))):
            problems.append(f"names {ref}, which does not exist")
    inputs = doc.get("inputs") if isinstance(doc.get("inputs"), dict) else {}
    if doc.get("component") == "scf" and inputs.get("type", "event") == "event" \
            and inputs.get("runtime") == "CustomRuntime":
        handler = str(inputs.get("handler", ""))
        name, _, method = handler.partition(".")
        src = inputs.get("src")
        src = src.get("src") if isinstance(src, dict) else src
        if method != "main" or name not in functions:
            problems.append(f"handler {handler!r} is not NAME.main for a function listed in infra/functions.txt")
        elif not is_path(src):
            problems.append("the code (inputs.src) is not a local folder")
        else:
            code = os.path.normpath(os.path.join(here, src))
            for needed in ("bootstrap", name):
                if not executable(os.path.join(code, needed)):
                    problems.append(f"the code folder {src} has no executable {needed}")
    return problems


def main():
    functions = listed_functions()
    found, failed = 0, 0
    for folder, _, files in sorted(os.walk(os.path.join(ROOT, "infra"))):
        for name in sorted(files):
            if name not in NAMES:
                continue
            found += 1
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, ROOT)
            problems = check(path, functions)
            if problems:
                failed += 1
                for problem in problems:
                    print(f"not ok - {rel}: {problem}")
            else:
                print(f"ok - {rel} parses and names files that exist")
    if found == 0:
        print("not ok - no serverless.yml or s.yaml under infra/")
        return 1
    print(f"descriptors: {found - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
