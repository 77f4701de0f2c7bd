#!/usr/bin/env python3
"""Checks that the documentation covers the code, and that the repository refers to nothing outside itself.

    python3 Tests/tools/check_error_codes.py [--root DIR] [--list]

1. Error codes. Every error code that `Sources/**/*.swift` can emit is derived from the code (never listed by hand)
   and must appear, in backticks, in docs/errors.md. Emission sites recognised:
     - `code: "X"`                        WxPayError(...), WeChatAPIError(...), the HTTP front's .error(..., code:)
     - `.authentication("X", ...)`        the 77 helper
     - `errorType: "X"`                   Lambda Runtime API error reports
     - `static let fooCode = "X"`         code constants (RiskRulesError)
     - `"code":"X"` / `["code"] = "X"`    codes written straight into JSON (risk-batch error lines, webhook bodies)
     - `wechatCode: "X"`                  a WeChat Pay code put into `wechat_code` by the kit itself
     - `"PREFIX_" + error.code`           a family: PREFIX_ + every code the wrapped call can throw (see FAMILIES)
   Any other non-literal `code:` argument fails the check, naming the line, until it is taught here (PASS_THROUGH):
   a new way of building codes must not escape the documentation silently.
2. Outside references. No file tracked by git (`git ls-files`) may refer to the material this repository was once
   specified from outside itself (a sibling `shared` directory, its SPEC file, its section numbers).
3. Links into the documentation. Every relative Markdown link in a tracked `.md` file must name a file that exists,
   and every `docs/<page>.md#anchor` (in Markdown or in source comments) a heading that exists, so the contract
   stays reachable from README.md.

Exit status: 0 when all three hold; 1 otherwise, listing every missing code and every offending line; 2 on bad usage.
"""
import os
import re
import subprocess
import sys

# --- what counts as an emission site ---------------------------------------------------------------------------

CODE = r"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})"
LITERAL_PATTERNS = [
    re.compile(r"\bcode:\s*\"" + CODE + r"\""),
    re.compile(r"\.authentication\(\s*\"" + CODE + r"\""),
    re.compile(r"\berrorType:\s*\"" + CODE + r"\""),
    re.compile(r"\bstatic\s+let\s+\w*[Cc]ode\s*=\s*\"" + CODE + r"\""),
    re.compile(r"\"code\"\s*:\s*\"" + CODE + r"\""),
    re.compile(r"\[\s*\"code\"\s*\]\s*=\s*\"" + CODE + r"\""),
    re.compile(r"\bwechatCode:\s*\"" + CODE + r"\""),
]

# `code:` arguments that are not literals but only pass a code through (already derived at its source), or are
# not error codes at all (a type annotation, an HTTP status). Keyed by the expression after `code:`.
PASS_THROUGH = {
    "code": "a helper's parameter; every call site passes a literal (derived there)",
    "error.code": "RiskRulesError's code re-wrapped as WxPayError (derived from its `static let ...Code`)",
    "invalidCode": "RiskRulesError.invalidCode (derived from its `static let`)",
    "RiskRulesError.notFoundCode": "derived from its `static let`",
    "RiskRulesError.invalidCode": "derived from its `static let`",
    "RiskStoreConfig.invalidCode": "derived from its `static let`",
    "status": "HTTPResponse.Status(code:): an HTTP status, not an error code",
    "answer.status": "HTTPResponse.Status(code:): an HTTP status, not an error code",
    "answer.statusCode": "HTTPResponse.Status(code:) of an MCP transport answer: an HTTP status, not an error code",
    'answer.body?["code"]?.stringValue': "the emulator's request log records the WeChat-style code it answered",
    "outcome.code": "the emulator's request log records the WeChat-style code of a bill download's error answer",
}
TYPE_ANNOTATION = re.compile(r"\bcode:\s*(?:String|StaticString|Code|CURLcode|Int|Int32|Int64|\[)")
DYNAMIC_CODE = re.compile(r"\bcode:\s*([^\s\",)][^,)\n]*)")
FAMILY = re.compile(r"\"([A-Z][A-Z0-9]*_)\"\s*\+\s*([A-Za-z_][\w.]*)")

# A family `"PREFIX_" + <expr>` stands for PREFIX_ + every code the verification it wraps can throw. The functions
# whose bodies make up that verification: (file, a line that starts the function). The codes are derived from
# their bodies, including the WxPayError helpers they call (e.g. `.secretsInvalid(` -> SECRETS_INVALID).
FAMILIES = {
    "ANSWER_": {
        "site": ("Sources/WxPayCore/WxPayClient.swift", "SignatureVerifier.verify("),
        "functions": [
            ("Sources/WxPayCore/Signatures.swift", "public static func verify("),
            ("Sources/WxPayCore/Secrets.swift", "public func verificationKey("),
            ("Sources/WxPayCore/Secrets.swift", "public func value() throws(WxPayError)"),
        ],
    },
}

# --- outside references ----------------------------------------------------------------------------------------

# Spelled in pieces so that this file does not match itself.
SHARED = "sha" + "red"
FORBIDDEN = [
    ("../" + SHARED, "a path to a sibling directory outside the repository"),
    (SHARED + "/SPEC", "the draft specification outside the repository (the contract is docs/)"),
    (SHARED + "/reference", "reference notes outside the repository"),
    (SHARED + "/vectors", "vectors outside the repository (they are in Tests/WxPayCoreTests/Vectors)"),
    ("SPEC" + " §", "a section of the draft specification outside the repository (point to docs/ instead)"),
]


def strip_comments(text):
    """Removes `//` comments (whole-line and trailing) so documentation comments never count as emission sites."""
    out = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("//"):
            out.append("")
            continue
        # A trailing comment is ` // ...` outside a string; URLs (`https://`) have no space before `//`.
        cut = re.search(r"\s//\s", line)
        if cut and line[: cut.start()].count('"') % 2 == 0:
            line = line[: cut.start()]
        out.append(line)
    return "\n".join(out)


def function_body(text, start_marker):
    """The brace-balanced body of the function whose declaration contains `start_marker`, or None."""
    at = text.find(start_marker)
    if at < 0:
        return None
    open_at = text.find("{", at)
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[open_at : i + 1]
    return None


def helper_codes(sources):
    """`static func name(...) -> WxPayError { WxPayError(code: "X", ...) }` helpers: name -> code."""
    helpers = {}
    for path, text in sources.items():
        for m in re.finditer(r"static\s+func\s+(\w+)\s*\([^{]*?->\s*WxPayError\s*\{", text, re.S):
            body = function_body(text[m.start():], "{")
            literal = re.search(r"\bcode:\s*\"" + CODE + r"\"", body or "")
            if literal:
                helpers[m.group(1)] = literal.group(1)
    return helpers


def codes_in(text, helpers):
    found = set()
    for pattern in LITERAL_PATTERNS:
        found.update(m.group(1) for m in pattern.finditer(text))
    for name, code in helpers.items():
        if re.search(r"\.\b" + re.escape(name) + r"\(", text):
            found.add(code)
    return found


def derive(root):
    """Returns ({code: [file:line, ...]}, [problem, ...])."""
    sources = {}
    for directory, _, files in os.walk(os.path.join(root, "Sources")):
        for name in files:
            if name.endswith(".swift"):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as f:
                    sources[os.path.relpath(path, root)] = strip_comments(f.read())
    helpers = helper_codes(sources)
    codes, problems = {}, []

    def add(code, where):
        codes.setdefault(code, []).append(where)

    for path, text in sorted(sources.items()):
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{path}:{number}"
            for pattern in LITERAL_PATTERNS:
                for m in pattern.finditer(line):
                    add(m.group(1), where)
            if TYPE_ANNOTATION.search(line):
                continue
            for m in DYNAMIC_CODE.finditer(line):
                expression = m.group(1).strip()
                family = FAMILY.match(expression)
                if family and family.group(1) in FAMILIES:
                    continue  # expanded below
                if expression not in PASS_THROUGH:
                    problems.append(f"{where}: an error code built from `{expression}`: teach "
                                    "Tests/tools/check_error_codes.py where its values come from")
        # Multi-line constructions (`code:` at the end of a line, the value on the next).
        for m in re.finditer(r"\bcode:\s*\n\s*([^\s,)]+)", text):
            expression = m.group(1)
            if not expression.startswith('"') and expression not in PASS_THROUGH:
                number = text[: m.start()].count("\n") + 1
                problems.append(f"{path}:{number}: an error code built from `{expression}`: teach "
                                "Tests/tools/check_error_codes.py where its values come from")

    for path, text in sorted(sources.items()):
        for m in FAMILY.finditer(text):
            prefix = m.group(1)
            number = text[: m.start()].count("\n") + 1
            if prefix not in FAMILIES:
                problems.append(f"{path}:{number}: a code family \"{prefix}\" + {m.group(2)}: teach "
                                "Tests/tools/check_error_codes.py (FAMILIES) which codes it wraps")
                continue
            family = FAMILIES[prefix]
            site_file, site_marker = family["site"]
            if path != site_file or site_marker not in text:
                problems.append(f"{path}:{number}: the \"{prefix}\" family is no longer built where FAMILIES says "
                                f"({site_file}, next to {site_marker}): update Tests/tools/check_error_codes.py")
                continue
            wrapped = set()
            for function_file, marker in family["functions"]:
                body = function_body(sources.get(function_file, ""), marker)
                if body is None:
                    problems.append(f"{function_file}: `{marker}` not found: update FAMILIES in "
                                    "Tests/tools/check_error_codes.py")
                    continue
                wrapped |= codes_in(body, helpers)
            if not wrapped:
                problems.append(f"{path}:{number}: the \"{prefix}\" family wraps no code that can be derived")
            for code in sorted(wrapped):
                add(prefix + code, f"{path}:{number} ({prefix} + {code})")
    return codes, problems


def documented(root):
    path = os.path.join(root, "docs", "errors.md")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        return None, f"docs/errors.md: {error.strerror}"
    return set(re.findall(r"`([A-Z][A-Z0-9_]*)`", text)), None


def outside_references(root):
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        return [f"git ls-files failed: {error}"]
    me = os.path.relpath(os.path.abspath(__file__), os.path.abspath(root))
    problems = []
    for name in listed.decode("utf-8", "replace").split("\0"):
        if not name or name == me:
            continue
        try:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            continue  # listed but absent (e.g. deleted in the work tree)
        for number, line in enumerate(lines, 1):
            for needle, why in FORBIDDEN:
                if needle in line:
                    problems.append(f"{name}:{number}: refers to {needle!r}: {why}")
    return problems


def heading_anchors(path):
    """GitHub's anchors for the headings of a Markdown file: lower case, punctuation dropped, spaces to `-`."""
    anchors = set()
    in_code = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                in_code = not in_code
            m = None if in_code else re.match(r"^#+\s+(.*)", line)
            if m:
                anchors.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return anchors


def broken_links(root):
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        return [f"git ls-files failed: {error}"]
    problems, cache = [], {}
    for name in listed.decode("utf-8", "replace").split("\0"):
        if not name.endswith((".md", ".swift", ".py", ".sh")):
            continue
        try:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if name.endswith(".md"):
            text = re.sub(r"```.*?```", "", text, flags=re.S)
            links = [(m.group(1), os.path.dirname(name)) for m in re.finditer(r"\]\(([^)\s]+)\)", text)]
        else:
            links = [(m.group(1), "") for m in re.finditer(r"\b(docs/[\w-]+\.md(?:#[\w-]+)?)", text)]
        for link, base in links:
            if re.match(r"^[a-z]+:", link) or link.startswith("#") and not name.endswith(".md"):
                continue
            path, _, anchor = link.partition("#")
            target = os.path.normpath(os.path.join(base, path)) if path else name
            if not os.path.exists(os.path.join(root, target)):
                problems.append(f"{name}: link to {link}: {target} does not exist")
                continue
            if anchor and target.startswith("docs/") and target.endswith(".md"):
                if target not in cache:
                    cache[target] = heading_anchors(os.path.join(root, target))
                if anchor not in cache[target]:
                    problems.append(f"{name}: link to {link}: {target} has no heading #{anchor}")
    return problems


def main(argv):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    show = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--root" and args:
            root = os.path.abspath(args.pop(0))
        elif arg == "--list":
            show = True
        else:
            print(__doc__, file=sys.stderr)
            return 2

    codes, problems = derive(root)
    if show:
        for code in sorted(codes):
            print(f"{code:36} {codes[code][0]}")
    docs, error = documented(root)
    if error:
        problems.append(error)
        docs = set()
    missing = sorted(code for code in codes if code not in docs)
    for code in missing:
        problems.append(f"{code}: emitted at {', '.join(codes[code][:3])} but not documented in docs/errors.md")
    problems += outside_references(root)
    problems += broken_links(root)

    if problems:
        for problem in problems:
            print(f"FAIL {problem}", file=sys.stderr)
        print(f"check_error_codes: {len(problems)} problem(s); {len(codes)} codes derived from Sources/",
              file=sys.stderr)
        return 1
    print(f"check_error_codes: all {len(codes)} error codes derived from Sources/ are documented in docs/errors.md; "
          "no tracked file refers outside the repository; every link into the repository resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
