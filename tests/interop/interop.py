#!/usr/bin/env python3
"""hookcat interop suite, Python side.

Judges hookcat's signatures with the providers' official Python SDKs, in both
directions, on random cases (see SIGNATURES.md in the shared folder for every
scheme):

* ``sign``:   hookcat signs -> the official library accepts; the same headers over
              a body with one byte changed -> the library refuses.
* ``verify``: the library signs (or, where the SDK has no signer, the SDK's documented
              algorithm computed here with ``hmac``; each such place says so) ->
              ``hookcat verify`` exits 0; the tampered body -> exits 1.
* ``edge``:   hand-made inputs (timestamps outside a window, rotated secrets, port
              variants...) where the library's own verdict is the oracle.
* ``vector``: the published vectors (vectors/published.json) checked by the library,
              then signed and verified by hookcat.
* ``keygen``: secrets made by ``hookcat keygen`` used by both sides.

Schemes here: stripe, standard-webhooks, svix, slack, twilio, square, paddle, discord, jira
(no official library verifies Jira's signature: its construction is computed with hmac).
(github, shopify and linear are in interop.mjs: their official SDKs are npm packages.)

Usage: interop.py [--binary PATH] [--cases N] [--seed N] [--only a,b]
                  [--selfcheck] [--result-file PATH]
``--selfcheck`` exercises the libraries only (no hookcat binary needed).
Each failing check is printed with what is needed to reproduce it; a copy of its
body and a shell command line are saved under target/interop/failures/.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import os
import random
import shlex
import string
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The Paddle SDK reads TEST_MODE to switch its clock check off; it must not leak in.
os.environ.pop("TEST_MODE", None)
logging.disable(logging.CRITICAL)  # the SDKs log at INFO/CRITICAL on every verify

import stripe  # noqa: E402
import standardwebhooks  # noqa: E402
import svix.webhooks  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from twilio.request_validator import RequestValidator, add_port, get_signature_algorithm, remove_port  # noqa: E402
from square.utils.webhooks_helper import verify_signature as square_verify_signature  # noqa: E402
from paddle_billing.Notifications import PaddleSignature, Secret, Verifier  # noqa: E402
import discord_interactions  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

SCHEMES_HERE = ["stripe", "standard-webhooks", "svix", "slack", "twilio", "square", "paddle", "discord", "jira"]


# --------------------------------------------------------------------------- random data

ASCII = string.ascii_letters + string.digits + " .,;:!?'\"-_/\\{}[]()<>@#$%^&*+=|~`"
LATIN = "éèàüößñçÅØæœ¿¡°±µ"
BMP = "中文字€™—“”‘’•…Ωπ∑√∞≠≤≥あいうアイウ한국어ไทย\u00a0\u200b\ufeff\u2028"
ASTRAL = "😀🎉🚀👍🏽𝄞🀄𐍈🧪🦀𝔘𝔫𝔦𝔠𝔬𝔡𝔢🇫🇷"
SPECIAL = ["\n", "\r\n", "\r", "\t", "\\", '"', "&", "=", "+", "%", "#", "?", "/", "\x00", "\x7f"]


def rand_text(rng: random.Random, n: int, specials: bool = True) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55:
            out.append(rng.choice(ASCII))
        elif r < 0.65:
            out.append(rng.choice(LATIN))
        elif r < 0.75:
            out.append(rng.choice(BMP))
        elif r < 0.87:
            out.append(rng.choice(ASTRAL))
        elif specials:
            out.append(rng.choice(SPECIAL))
        else:
            out.append(rng.choice(string.ascii_letters))
    return "".join(out)


def rand_word(rng: random.Random, n: int | None = None, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n if n is not None else rng.randint(1, 12)))


def rand_json_value(rng: random.Random, depth: int = 0):
    r = rng.random()
    if depth > 2 or r < 0.35:
        return rand_text(rng, rng.randint(0, 24), specials=rng.random() < 0.7)
    if r < 0.5:
        return rng.choice([rng.randint(-10**6, 10**12), round(rng.uniform(-1e3, 1e3), 3)])
    if r < 0.6:
        return rng.choice([True, False, None])
    if r < 0.8:
        return [rand_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rand_text(rng, rng.randint(1, 8), specials=False): rand_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def dump_json(rng: random.Random, obj) -> str:
    """Serialise in one of the shapes real senders use; the body is signed as it is."""
    style = rng.randrange(5)
    ensure_ascii = rng.random() < 0.3
    if style == 0:
        return json.dumps(obj, ensure_ascii=ensure_ascii, separators=(",", ":"))
    if style == 1:
        return json.dumps(obj, ensure_ascii=ensure_ascii)
    if style == 2:
        return json.dumps(obj, ensure_ascii=ensure_ascii, indent=2)
    if style == 3:
        return json.dumps(obj, ensure_ascii=ensure_ascii, indent=2).replace("\n", "\r\n") + "\r\n"
    return json.dumps(obj, ensure_ascii=ensure_ascii, indent="\t") + "\n"


def rand_json_object(rng: random.Random, base: dict | None = None) -> dict:
    obj = dict(base or {})
    obj.setdefault("id", rng.randint(1, 10**9))  # every JSON body carries digits (see tamper())
    for _ in range(rng.randint(1, 6)):
        obj[rand_text(rng, rng.randint(1, 10), specials=False)] = rand_json_value(rng)
    items = list(obj.items())
    rng.shuffle(items)
    return dict(items)


def form_quote(rng: random.Random, s: str) -> str:
    return urllib.parse.quote_plus(s) if rng.random() < 0.5 else urllib.parse.quote(s, safe="")


def rand_form_pairs(rng: random.Random, n: int | None = None) -> list[tuple[str, str]]:
    pairs = []
    for _ in range(n if n is not None else rng.randint(1, 10)):
        if pairs and rng.random() < 0.15:
            name = rng.choice(pairs)[0]  # a repeated name
        elif rng.random() < 0.7:
            name = rand_word(rng, rng.randint(1, 14), string.ascii_letters + string.digits + "_")
        else:
            name = rand_text(rng, rng.randint(1, 8), specials=False).replace("\x00", "")
        value = "" if rng.random() < 0.1 else rand_text(rng, rng.randint(0, 30)).replace("\x00", "")
        pairs.append((name, value))
    return pairs


def encode_form(rng: random.Random, pairs: list[tuple[str, str]]) -> str:
    return "&".join(form_quote(rng, k) + "=" + form_quote(rng, v) for k, v in pairs)


def big_text(rng: random.Random, size: int = 1 << 20) -> str:
    chunk = rand_text(rng, 4096)
    s = (chunk * (size // len(chunk.encode()) + 1))
    while len(s.encode()) > size:
        s = s[: len(s) - 1024]
    return s


def tamper(body: bytes, rng: random.Random, json_body: bool = False) -> bytes:
    """Change one byte, keeping the body valid UTF-8 (and valid JSON for JSON bodies).

    JSON bodies: a digit becomes another non-zero digit (numbers, strings and \\u escapes
    stay well-formed). Other bodies: an ASCII letter/digit that is not part of a %XX
    escape becomes another one of its class. An empty body gets one byte appended.
    """
    if not body:
        return b"x"
    b = bytearray(body)
    if json_body:
        pos = [i for i, c in enumerate(b) if 0x30 <= c <= 0x39]
    else:
        pos = [i for i, c in enumerate(b)
               if chr(c).isascii() and chr(c).isalnum()
               and not (i >= 1 and b[i - 1] == 0x25) and not (i >= 2 and b[i - 2] == 0x25)]
    if not pos:
        # no suitable ASCII byte: change the last continuation byte of a multi-byte char
        pos = [i for i in range(len(b)) if 0x80 <= b[i] <= 0xBF and (i + 1 == len(b) or not (0x80 <= b[i + 1] <= 0xBF))]
        if not pos:
            return bytes(b) + b"x"
        i = rng.choice(pos)
        b[i] = 0x80 + ((b[i] - 0x80 + rng.randint(1, 63)) % 64)
        return bytes(b)
    i = rng.choice(pos)
    c = chr(b[i])
    if c.isdigit():
        choices = "123456789" if json_body else string.digits
    elif c.islower():
        choices = string.ascii_lowercase
    else:
        choices = string.ascii_uppercase
    b[i] = ord(rng.choice([x for x in choices if x != c]))
    return bytes(b)


# --------------------------------------------------------------------------- helpers


class CIDict(dict):
    """Case-insensitive header map, as web frameworks hand them to the SDKs."""

    def __init__(self, items=()):
        super().__init__()
        for k, v in dict(items).items():
            self[k] = v

    def __setitem__(self, k, v):
        super().__setitem__(k.lower(), v)

    def __getitem__(self, k):
        return super().__getitem__(k.lower())

    def get(self, k, default=None):
        return super().get(k.lower(), default)

    def __contains__(self, k):
        return super().__contains__(k.lower())


class MultiDict(dict):
    """POST params with repeated names (what Flask gives twilio's RequestValidator)."""

    def getall(self, name):
        return self[name]


def form_params(body: bytes) -> MultiDict:
    return MultiDict(urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True))


def short_repr(b, limit: int = 600) -> str:
    if b is None:
        return "None"
    if len(b) <= limit:
        return repr(b)
    return f"{b[:300]!r} ... {b[-120:]!r} ({len(b)} bytes, sha256 {hashlib.sha256(b if isinstance(b, bytes) else b.encode()).hexdigest()[:16]})"


def quiet_call(fn, *a, **kw):
    """Run a library function, turning exceptions into a refusal; stdout is swallowed
    (discord_interactions.verify_key print()s its exception)."""
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            return bool(fn(*a, **kw)), buf.getvalue().strip()
    except Exception as e:  # noqa: BLE001 - any library exception is a refusal
        return False, f"{type(e).__name__}: {e}"


def no_raise(fn, *a, **kw):
    """For verifiers that signal failure only by raising (standardwebhooks, svix)."""
    def call():
        fn(*a, **kw)
        return True
    return quiet_call(call)


def now() -> int:
    return int(time.time())


# --------------------------------------------------------------------------- hookcat runner


class Hookcat:
    def __init__(self, binary: str, workdir: str, rng: random.Random):
        self.binary = binary
        self.workdir = workdir
        self.rng = rng
        self.n = 0
        base = {k: v for k, v in os.environ.items() if not k.startswith("HOOKCAT")}
        base["NO_COLOR"] = "1"
        self.base_env = base

    def _tmp(self, name: str, data: bytes) -> str:
        self.n += 1
        p = os.path.join(self.workdir, f"{self.n:05d}-{name}")
        with open(p, "wb") as f:
            f.write(data)
        return p

    def secret_args(self, secret: str, mode: str | None = None):
        """-> (args, env additions, description). Modes: env (default), file, arg."""
        if mode is None:
            r = self.rng.random()
            mode = "env" if r < 0.7 else ("file" if r < 0.85 else "arg")
        if mode == "file" and (secret != secret.strip() or "\n" in secret):
            mode = "env"  # how a secret file's surrounding whitespace is read is not specified
        if mode == "env":
            var = "IOP_SECRET_" + rand_word(self.rng, 6, string.ascii_uppercase)
            return ["--secret-env", var], {var: secret}
        if mode == "file":
            # hookcat sign --help: "one trailing newline is stripped", as editors add one
            nl = b"\n" if self.rng.random() < 0.5 else b""
            return ["--secret-file", self._tmp("secret", secret.encode() + nl)], {}
        if secret.startswith("-"):
            return [f"--secret={secret}"], {}
        return ["--secret", secret], {}

    def run(self, args: list[str], body: bytes, env_add: dict, body_mode: str | None = None):
        if body_mode is None:
            r = self.rng.random()
            body_mode = "file" if r < 0.4 else ("dash" if r < 0.7 else "stdin")
        if not body and args[0] == "verify":
            # `hookcat verify` reports an empty body on standard input instead of verifying
            # it (its hint: pass /dev/null as FILE); an empty body is given as a file.
            body_mode = "file"
        stdin = None
        if body_mode == "file":
            args = args + [self._tmp("body", body)]
        elif body_mode == "dash":
            args = args + ["-"]
            stdin = body
        else:
            stdin = body
        argv = [self.binary] + args
        env = dict(self.base_env)
        env.update(env_add)
        try:
            p = subprocess.run(argv, input=stdin if stdin is not None else b"", env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except (OSError, subprocess.TimeoutExpired) as e:
            rc, out, err = -1, b"", str(e).encode()
        return {"argv": argv, "env": env_add, "rc": rc, "stdout": out.decode("utf-8", "replace"),
                "stderr": err.decode("utf-8", "replace"), "body_mode": body_mode}

    def sign(self, scheme, secret, body, *, timestamp=None, msg_id=None, url=None, json_out=None, secret_mode=None):
        sargs, env = self.secret_args(secret, secret_mode)
        args = ["sign", "--scheme", scheme] + sargs
        if timestamp is not None:
            args += ["--timestamp", str(timestamp)]
        if msg_id is not None:
            args += ["--id", msg_id]
        if url is not None:
            args += ["--url", url]
        if json_out is None:
            json_out = self.rng.random() < 0.3
        if json_out:
            args += ["--json"]
        res = self.run(args, body, env)
        res["headers"], res["signed_url"], res["parse_error"] = {}, None, None
        if res["rc"] == 0:
            try:
                if json_out:
                    doc = json.loads(res["stdout"])
                    res["headers"] = dict(doc["headers"])
                    res["signed_url"] = doc.get("signed_url")
                    if doc.get("scheme") != scheme:
                        res["parse_error"] = f"--json scheme is {doc.get('scheme')!r}, expected {scheme!r}"
                else:
                    for line in res["stdout"].splitlines():
                        if not line.strip():
                            continue
                        name, sep, value = line.partition(": ")
                        if not sep:
                            raise ValueError(f"not a 'Name: value' line: {line!r}")
                        res["headers"][name] = value
            except Exception as e:  # noqa: BLE001
                res["parse_error"] = f"{type(e).__name__}: {e}"
        return res

    def verify(self, scheme, secret, body, headers: dict, *, url=None, now_=None, tolerance=None, extra=(), secret_mode=None):
        sargs, env = self.secret_args(secret, secret_mode)
        args = ["verify", "--scheme", scheme] + sargs
        for k, v in headers.items():
            args += ["-H", f"{k}: {v}"]
        if url is not None:
            args += ["--url", url]
        if now_ is not None:
            args += ["--now", str(now_)]
        if tolerance is not None:
            args += ["--tolerance", str(tolerance)]
        args += list(extra)
        return self.run(args, body, env)

    def keygen(self, scheme):
        res = self.run(["keygen", "--scheme", scheme, "--json"], b"", {}, body_mode="stdin")
        try:
            res["doc"] = json.loads(res["stdout"]) if res["rc"] == 0 else None
        except ValueError as e:
            res["doc"], res["parse_error"] = None, str(e)
        return res


# --------------------------------------------------------------------------- result bookkeeping


class Results:
    def __init__(self, failures_dir: str):
        self.passed = 0
        self.failed = 0
        self.by_scheme: dict[str, list[int]] = {}
        self.failures_dir = failures_dir

    def record(self, ok: bool, scheme: str, direction: str, check: str, **detail):
        s = self.by_scheme.setdefault(scheme, [0, 0])
        if ok:
            self.passed += 1
            s[0] += 1
            return True
        self.failed += 1
        s[1] += 1
        self._print_failure(scheme, direction, check, detail)
        return False

    def _print_failure(self, scheme, direction, check, d):
        lines = [f"FAIL [{scheme}] {direction}: {check}"]
        for key in ("note", "expected", "got"):
            if key in d:
                lines.append(f"    {key}: {d[key]}")
        if "body" in d:
            lines.append(f"    body: {short_repr(d['body'])}")
        if "secret" in d:
            lines.append(f"    secret: {d['secret']!r}")
        for key in ("url", "signed_url", "timestamp", "id"):
            if d.get(key) is not None:
                lines.append(f"    {key}: {d[key]!r}")
        if "headers" in d:
            lines.append(f"    headers: {json.dumps(d['headers'], ensure_ascii=False)}")
        if "lib_note" in d and d["lib_note"]:
            lines.append(f"    library said: {d['lib_note']}")
        run = d.get("run")
        if run:
            argv = [shlex.quote(a) for a in run["argv"]]
            envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in run["env"].items())
            saved = self._save(scheme, d.get("run_body"), run)
            lines.append(f"    hookcat: {envs + ' ' if envs else ''}{' '.join(argv)}"
                         f"{'  < body' if run['body_mode'] != 'file' else ''}   (exit {run['rc']})")
            if run["stdout"].strip():
                lines.append(f"    stdout: {run['stdout'].strip()[:800]!r}")
            if run["stderr"].strip():
                lines.append(f"    stderr: {run['stderr'].strip()[:800]!r}")
            if run.get("parse_error"):
                lines.append(f"    parse error: {run['parse_error']}")
            if saved:
                lines.append(f"    repro: sh {saved}")
        print("\n".join(lines), flush=True)

    def _save(self, scheme, body, run):
        if body is None:
            return None
        try:
            n = self.failed
            d = os.path.join(self.failures_dir, f"{n:03d}-{scheme}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "body"), "wb") as f:
                f.write(body)
            argv = list(run["argv"])
            if run["body_mode"] == "file":
                argv[-1] = os.path.join(d, "body")
            # a --secret-file path lives in a temp dir that is removed: copy it
            for i, a in enumerate(argv):
                if a == "--secret-file" and i + 1 < len(argv) and os.path.exists(argv[i + 1]):
                    dst = os.path.join(d, "secret")
                    with open(argv[i + 1], "rb") as src, open(dst, "wb") as out:
                        out.write(src.read())
                    argv[i + 1] = dst
            envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in run["env"].items())
            cmd = (f"{envs + ' ' if envs else ''}{' '.join(shlex.quote(a) for a in argv)}"
                   f"{' < ' + shlex.quote(os.path.join(d, 'body')) if run['body_mode'] != 'file' else ''}")
            with open(os.path.join(d, "cmd.sh"), "w") as f:
                f.write("# exit code seen: %d\n%s\necho \"exit $?\"\n" % (run["rc"], cmd))
            return os.path.join(d, "cmd.sh")
        except OSError:
            return None


# --------------------------------------------------------------------------- schemes


class Scheme:
    name = ""
    hookcat = ""  # hookcat --scheme name
    has_timestamp = True
    has_id = False
    needs_url = False
    body_kinds = ("json", "text", "empty")
    ts_header = None
    id_header = None

    def __init__(self, rng: random.Random):
        self.rng = rng

    # secrets
    def secret(self) -> str:
        raise NotImplementedError

    def verify_secret(self, secret: str) -> str:
        return secret

    # bodies: -> (bytes, kind)
    def body(self, kind: str):
        rng = self.rng
        if kind == "json":
            return dump_json(rng, rand_json_object(rng)).encode(), "json"
        if kind == "form":
            return encode_form(rng, rand_form_pairs(rng)).encode(), "form"
        if kind == "text":
            return rand_text(rng, rng.randint(1, 200)).encode(), "text"
        if kind == "empty":
            return b"", "empty"
        if kind == "big":
            return dump_json(rng, rand_json_object(rng, {"blob": big_text(rng)})).encode(), "json"
        raise ValueError(kind)

    def url(self):
        return None

    def ctx(self, body, kind):
        return {"url": self.url(), "kind": kind}

    def lib_verify(self, body: bytes, headers: dict, secret: str, ctx: dict):
        raise NotImplementedError

    def lib_sign(self, body: bytes, secret: str, ctx: dict) -> dict:
        raise NotImplementedError

    def sign_url(self, ctx):
        return ctx.get("url")

    def hookcat_verify_url(self, ctx):
        return ctx.get("url")

    def tamper(self, body, kind, ctx):
        return tamper(body, self.rng, json_body=(kind == "json"))

    def edge_cases(self, secret):
        """-> list of (name, body, headers, ctx, expected_bool, verify_kwargs)."""
        return []

    def fixed_secrets(self):
        """Secret shapes that must each be exercised in both directions every run."""
        return []


def hget(headers: dict, name: str):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return None


def decoy_hex(rng):
    return "".join(rng.choice("0123456789abcdef") for _ in range(64))


class Stripe(Scheme):
    name = hookcat = "stripe"
    ts_header = "Stripe-Signature"

    def secret(self):
        return "whsec_" + rand_word(self.rng, 32)

    def body(self, kind):
        if kind == "json":
            obj = rand_json_object(self.rng, {"id": "evt_" + rand_word(self.rng, 24), "object": "event",
                                              "type": "payment_intent.succeeded", "created": now(),
                                              "livemode": False, "pending_webhooks": self.rng.randint(1, 9)})
            return dump_json(self.rng, obj).encode(), "json"
        if kind == "big":
            obj = {"id": "evt_big", "object": "event", "type": "x", "created": 1, "data": {"object": {"blob": big_text(self.rng)}}}
            return dump_json(self.rng, obj).encode(), "json"
        return super().body(kind)

    def lib_verify(self, body, headers, secret, ctx):
        header = hget(headers, "Stripe-Signature")
        tol = ctx.get("tolerance", 300)
        if ctx["kind"] == "json":
            # the documented entry point: verify + parse into an Event
            return quiet_call(stripe.Webhook.construct_event, body, header, secret, tolerance=tol)
        return quiet_call(stripe.WebhookSignature.verify_header, body, header, secret, tolerance=tol)

    def lib_sign(self, body, secret, ctx):
        ts = ctx.get("ts", now())
        h = stripe.WebhookSignature.generate_signature_header(body.decode(), secret, timestamp=ts)
        r = self.rng.random()
        if r < 0.15:  # rotation: a second v1 from another secret, before or after
            decoy = "v1=" + decoy_hex(self.rng)
            t, v1 = h.split(",", 1)
            h = f"{t},{decoy},{v1}" if self.rng.random() < 0.5 else f"{h},{decoy}"
        elif r < 0.25:  # a legacy v0 entry is ignored
            h += ",v0=" + decoy_hex(self.rng)
        return {"Stripe-Signature": h}

    def edge_cases(self, secret):
        rng, out = self.rng, []
        b, _ = self.body("json")
        for name, off, tol, exp in [("timestamp 400 s old, default tolerance", -400, None, False),
                                    ("timestamp 400 s in the future (stripe checks age only)", 400, None, True),
                                    ("timestamp 400 s old, --tolerance 600", -400, 600, True),
                                    ("timestamp 100 s old", -100, None, True)]:
            ctx = {"kind": "json", "ts": now() + off, "tolerance": tol or 300}
            out.append((name, b, self.lib_sign(b, secret, ctx), ctx, exp, {"tolerance": tol}))
        h = self.lib_sign(b, secret, {"kind": "json"})["Stripe-Signature"]
        t = h.split(",")[0]
        v1 = [x for x in h.split(",") if x.startswith("v1=")][0]
        out.append(("only a v0 entry carrying the right MAC (v0 is ignored)", b, {"Stripe-Signature": f"{t},v0={v1[3:]}"},
                    {"kind": "json"}, False, {"refuse_codes": (1, 2)}))
        # --now pins the clock: a 1000 s old signature verified "at" its own time
        ts = now() - 1000
        ctx = {"kind": "json", "ts": ts, "tolerance": 0}
        out.append(("--now pinned to an old timestamp", b, self.lib_sign(b, secret, ctx), ctx, True, {"now_": ts + 10}))
        return out


class Slack(Scheme):
    name = hookcat = "slack"
    body_kinds = ("form", "json", "text", "empty")
    ts_header = "X-Slack-Request-Timestamp"

    def secret(self):
        return rand_word(self.rng, 32, "0123456789abcdef")

    def lib_verify(self, body, headers, secret, ctx):
        return quiet_call(SignatureVerifier(secret).is_valid_request, body, CIDict(headers))

    def lib_sign(self, body, secret, ctx):
        ts = str(ctx.get("ts", now()))
        sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}

    def edge_cases(self, secret):
        b, _ = self.body("form")
        out = []
        for name, off, exp in [("timestamp 400 s old", -400, False), ("timestamp 400 s in the future (slack checks abs)", 400, False),
                               ("timestamp 200 s old", -200, True), ("timestamp 200 s ahead", 200, True)]:
            ctx = {"kind": "form", "ts": now() + off}
            out.append((name, b, self.lib_sign(b, secret, ctx), ctx, exp, {}))
        h = self.lib_sign(b, secret, {"kind": "form"})
        h["X-Slack-Signature"] = h["X-Slack-Signature"][3:]
        out.append(("signature without its v0= prefix", b, h, {"kind": "form"}, False, {"refuse_codes": (1, 2)}))
        return out


def whsec(rng: random.Random) -> str:
    key = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(rng.randint(24, 64)))).decode()
    r = rng.random()
    if r < 0.15:
        key = key.rstrip("=")  # unpadded (the libraries append "==")
    if rng.random() < 0.15:
        return key  # the prefix is optional
    return "whsec_" + key


class StandardWebhooks(Scheme):
    name = hookcat = "standard-webhooks"
    has_id = True
    body_kinds = ("json", "text", "empty")
    prefix = "webhook"
    ts_header = "webhook-timestamp"
    id_header = "webhook-id"
    lib = standardwebhooks.Webhook

    def secret(self):
        return whsec(self.rng)

    def msg_id(self):
        return "msg_" + rand_word(self.rng, self.rng.randint(10, 27))

    def fixed_secrets(self):
        # SIGNATURES.md §4: the whsec_ prefix and the base64 padding are both optional
        key = base64.b64encode(bytes(self.rng.getrandbits(8) for _ in range(32))).decode()  # 32 bytes: one "="
        return [("prefix omitted", key), ("padding omitted", "whsec_" + key.rstrip("=")),
                ("prefix and padding omitted", key.rstrip("="))]

    def lib_verify(self, body, headers, secret, ctx):
        wh = self.lib(secret)
        if self.lib is standardwebhooks.Webhook:
            return no_raise(wh.verify, body, dict(headers), json_parse=(ctx["kind"] == "json"))
        return no_raise(wh.verify, body, dict(headers))

    def header_names(self):
        return tuple(f"{self.prefix}-{x}" for x in ("id", "timestamp", "signature"))

    def lib_sign(self, body, secret, ctx):
        ts = ctx.get("ts", now())
        mid = ctx.get("id") or self.msg_id()
        sig = self.lib(secret).sign(mid, dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc), body.decode())
        r = self.rng.random()
        if r < 0.15:  # rotation: several space-separated entries, any may match
            decoy = "v1," + base64.b64encode(bytes(self.rng.getrandbits(8) for _ in range(32))).decode()
            sig = f"{decoy} {sig}" if self.rng.random() < 0.5 else f"{sig} {decoy}"
        elif r < 0.25:  # an entry of a version the verifier does not handle is skipped
            sig = "v1a," + base64.b64encode(bytes(self.rng.getrandbits(8) for _ in range(64))).decode() + " " + sig
        names = self.header_names()
        return {names[0]: mid, names[1]: str(ts), names[2]: sig}

    def edge_cases(self, secret):
        b, _ = self.body("json")
        out = []
        for name, off, exp in [("timestamp 400 s old", -400, False), ("timestamp 400 s in the future", 400, False),
                               ("timestamp 200 s old", -200, True)]:
            ctx = {"kind": "json", "ts": now() + off}
            out.append((name, b, self.lib_sign(b, secret, ctx), ctx, exp, {}))
        names = self.header_names()
        mid, ts = self.msg_id(), now()
        sig = self.lib(secret).sign(mid, dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc), b.decode())
        out.append(("the right MAC under version v2 (unknown versions are skipped)", b,
                    {names[0]: mid, names[1]: str(ts), names[2]: "v2," + sig.split(",", 1)[1]}, {"kind": "json"}, False,
                    {"refuse_codes": (1, 2)}))
        return out


class Svix(StandardWebhooks):
    name = hookcat = "svix"
    prefix = "svix"
    ts_header = "svix-timestamp"
    id_header = "svix-id"
    lib = svix.webhooks.Webhook

    def header_names(self):
        # svix's verifier reads svix-* and falls back to webhook-* (white-labelled accounts)
        if self.rng.random() < 0.2:
            return ("webhook-id", "webhook-timestamp", "webhook-signature")
        return ("svix-id", "svix-timestamp", "svix-signature")


def rand_url(rng: random.Random, path_hint: str = "hook") -> str:
    host = rng.choice(["example.com", "hooks.example.org", "api.test-site.io", "localhost"])
    scheme = rng.choice(["https", "https", "http"])
    port = ""
    r = rng.random()
    if r < 0.15:
        port = ":" + str(rng.choice([8443, 3000, 8080]))
    elif r < 0.25:
        port = ":" + ("443" if scheme == "https" else "80")
    path = "/" + "/".join(rand_word(rng, rng.randint(1, 8), string.ascii_lowercase + string.digits + "-_") for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.2:
        path += "/" + urllib.parse.quote(rand_text(rng, 4, specials=False))
    url = f"{scheme}://{host}{port}{path}"
    if rng.random() < 0.6:
        q = [(rand_word(rng, rng.randint(1, 6)), rand_text(rng, rng.randint(0, 8), specials=False)) for _ in range(rng.randint(1, 3))]
        url += "?" + "&".join(urllib.parse.quote(k) + "=" + urllib.parse.quote(v, safe="") for k, v in q)
    return url


class Twilio(Scheme):
    name = hookcat = "twilio"
    has_timestamp = False
    needs_url = True
    body_kinds = ("form", "form", "form", "json", "empty")

    def secret(self):
        return rand_word(self.rng, 32, "0123456789abcdef")

    def url(self):
        return rand_url(self.rng)

    def body(self, kind):
        if kind == "big":
            return encode_form(self.rng, [("Body", big_text(self.rng)), ("From", "+14158675309")]).encode(), "form"
        if kind == "empty":
            return b"", "form"  # an empty form: no POST params, the URL alone is signed
        if kind == "form":
            pairs = [("AccountSid", "AC" + rand_word(self.rng, 32, "0123456789abcdef")),
                     ("From", "+1" + rand_word(self.rng, 10, string.digits))] + rand_form_pairs(self.rng)
            self.rng.shuffle(pairs)
            return encode_form(self.rng, pairs).encode(), "form"
        return super().body(kind)

    @staticmethod
    def with_body_hash(url: str, body: bytes) -> str:
        sep = "&" if urllib.parse.urlsplit(url).query else "?"
        return url + sep + "bodySHA256=" + hashlib.sha256(body).hexdigest()

    def lib_verify(self, body, headers, secret, ctx):
        sig = hget(headers, "X-Twilio-Signature")
        if sig is None:
            return False, "no X-Twilio-Signature header"
        v = RequestValidator(secret)
        algo = get_signature_algorithm(hget(headers, "X-Twilio-Webhooks-Signature-Settings"))
        if ctx["kind"] == "json":
            url = ctx.get("signed_url")
            if not url:
                return False, "no signed_url (bodySHA256 URL) to validate against"
            return quiet_call(v.validate, url, body.decode(), sig, algo)
        return quiet_call(v.validate, ctx["url"], form_params(body), sig, algo)

    def lib_sign(self, body, secret, ctx):
        v = RequestValidator(secret)
        url = ctx["url"]
        headers = {}
        algo = None
        if self.rng.random() < 0.2:
            # a Webhooks Rule with a SharedKey: HMAC-SHA256, announced in the settings header
            algo = "HMAC_SHA256"
            headers["X-Twilio-Webhooks-Signature-Settings"] = f"key=webhooks_sharedkey_{rand_word(self.rng, 12)},algorithm=HMAC_SHA256"
        if ctx["kind"] == "json":
            url = self.with_body_hash(url, body)
            ctx["signed_url"] = url
            params = {}
            headers["Content-Type"] = "application/json"
        else:
            params = form_params(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # Twilio's own signing is inconsistent about ports; the validator accepts both,
        # so sometimes sign over the other port form of the URL
        r = self.rng.random()
        signing_url = url
        if r < 0.15:
            signing_url = add_port(urllib.parse.urlparse(url))
        elif r < 0.25:
            signing_url = remove_port(urllib.parse.urlparse(url))
        ctx["signing_url"] = signing_url
        headers["X-Twilio-Signature"] = v.compute_signature(signing_url, params, algo)
        return headers

    def hookcat_verify_url(self, ctx):
        return ctx.get("signed_url") or ctx["url"]

    def tamper(self, body, kind, ctx):
        if kind == "json":
            return tamper(body, self.rng, json_body=True)
        canon = lambda b: sorted((k, sorted(set(v))) for k, v in form_params(b).items())  # noqa: E731
        for _ in range(50):
            t = tamper(body, self.rng)
            if canon(t) != canon(body):
                return t
        return body + b"&x=1"

    def edge_cases(self, secret):
        out = []
        # the published request, signed over the URL with :443 (twilio-python's test)
        url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        body = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"
        out.append(("published request signed over the URL with :443", body,
                    {"X-Twilio-Signature": "kvajT1Ptam85bY51eRf/AJRuM3w="}, {"kind": "form", "url": url}, True, {"lib_secret": "12345"}))
        out.append(("published request, default port form", body,
                    {"X-Twilio-Signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}, {"kind": "form", "url": url}, True, {"lib_secret": "12345"}))
        # a repeated name with a repeated value: the validator signs sorted(set(values))
        dup_url = "https://example.com/voice?a=1"
        dup = b"Digits=2&Digits=1&Digits=2&To=%2B15005550006"
        dsig = RequestValidator(secret).compute_signature(dup_url, form_params(dup))
        out.append(("repeated name with a repeated value (values are de-duplicated and sorted)", dup,
                    {"X-Twilio-Signature": dsig}, {"kind": "form", "url": dup_url}, True, {}))
        jb = b'{"property": "value", "boolean": true}'
        surl = url + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
        out.append(("published JSON (bodySHA256) request", jb, {"X-Twilio-Signature": "a9nBmqA0ju/hNViExpshrM61xv4="},
                    {"kind": "json", "url": url, "signed_url": surl}, True, {"lib_secret": "12345"}))
        out.append(("published JSON request, body changed", jb.replace(b"value", b"valuf"),
                    {"X-Twilio-Signature": "a9nBmqA0ju/hNViExpshrM61xv4="},
                    {"kind": "json", "url": url, "signed_url": surl}, False, {"lib_secret": "12345"}))
        return out


class Square(Scheme):
    name = hookcat = "square"
    has_timestamp = False
    needs_url = True
    # no "empty": square's verify_signature returns False for an empty body whatever the
    # signature, so the library cannot arbitrate it
    body_kinds = ("json", "json", "text")

    def secret(self):
        return base64.urlsafe_b64encode(bytes(self.rng.getrandbits(8) for _ in range(16))).decode().rstrip("=")

    def url(self):
        return rand_url(self.rng, "square")

    def body(self, kind):
        if kind == "json":
            obj = rand_json_object(self.rng, {"merchant_id": rand_word(self.rng, 13, string.ascii_uppercase),
                                              "type": "payment.updated", "event_id": "ac3ac95b-" + rand_word(self.rng, 8, "0123456789abcdef"),
                                              "created_at": "2026-01-01T00:00:00Z"})
            return dump_json(self.rng, obj).encode(), "json"
        return super().body(kind)

    def lib_verify(self, body, headers, secret, ctx):
        sig = hget(headers, "x-square-hmacsha256-signature")
        if sig is None:
            return False, "no x-square-hmacsha256-signature header"
        return quiet_call(square_verify_signature, request_body=body.decode(), signature_header=sig,
                          signature_key=secret, notification_url=ctx["url"])

    def lib_sign(self, body, secret, ctx):
        # squareup ships no signer: this is the SDK's documented algorithm (what
        # square.utils.webhooks_helper.verify_signature recomputes), done with hmac:
        # base64(HMAC-SHA256(key=signature key UTF-8, msg=notification_url + body)).
        mac = hmac.new(secret.encode(), ctx["url"].encode() + body, hashlib.sha256).digest()
        return {"x-square-hmacsha256-signature": base64.b64encode(mac).decode()}

    def edge_cases(self, secret):
        b, _ = self.body("json")
        url = "https://example.com/square/webhook"
        h = self.lib_sign(b, secret, {"url": url})
        return [("notification URL with an added trailing slash (the URL is signed exactly)", b, h,
                 {"kind": "json", "url": url + "/"}, False, {}),
                ("notification URL as configured", b, h, {"kind": "json", "url": url}, True, {})]


class Paddle(Scheme):
    name = hookcat = "paddle"
    body_kinds = ("json", "text", "empty")
    ts_header = "Paddle-Signature"

    def secret(self):
        return ("pdl_ntfset_01" + rand_word(self.rng, 24, string.ascii_lowercase + string.digits) + "_"
                + rand_word(self.rng, 32, string.ascii_letters + string.digits + "+/"))

    def lib_verify(self, body, headers, secret, ctx):
        class Req:
            pass
        req = Req()
        req.headers = CIDict(headers)
        req.body = body
        return quiet_call(Verifier().verify, req, Secret(secret))

    def lib_sign(self, body, secret, ctx):
        ts = ctx.get("ts", now())
        # the SDK's own HMAC helper over its documented "{ts}:{body}"
        h1 = PaddleSignature.calculate_hmac(secret, f"{ts}:".encode() + body).hexdigest()
        parts = [f"ts={ts}", f"h1={h1}"]
        if self.rng.random() < 0.25:  # rotation: several h1, any may match
            parts.insert(self.rng.choice([1, 2]), "h1=" + decoy_hex(self.rng))
        return {"Paddle-Signature": ";".join(parts)}

    def edge_cases(self, secret):
        b, _ = self.body("json")
        out = []
        for name, off, exp in [("timestamp 30 s old (SDK allows 5 s)", -30, False), ("timestamp 30 s ahead", 30, False)]:
            ctx = {"kind": "json", "ts": now() + off}
            out.append((name, b, self.lib_sign(b, secret, ctx), ctx, exp, {}))
        return out


class Discord(Scheme):
    name = hookcat = "discord"
    ts_header = "X-Signature-Timestamp"

    def secret(self):
        seed = bytes(self.rng.getrandbits(8) for _ in range(32))
        sk = SigningKey(seed)
        if self.rng.random() < 0.5:
            return seed.hex()
        return (seed + bytes(sk.verify_key)).hex()  # the 64-byte seed||public form

    def verify_secret(self, secret):
        return bytes(SigningKey(bytes.fromhex(secret[:64])).verify_key).hex()

    def body(self, kind):
        if kind == "json":
            obj = rand_json_object(self.rng, {"type": self.rng.choice([1, 2, 3]), "application_id": str(self.rng.getrandbits(60)),
                                              "token": rand_word(self.rng, 40), "version": 1})
            return dump_json(self.rng, obj).encode(), "json"
        return super().body(kind)

    def lib_verify(self, body, headers, secret, ctx):
        sig, ts = hget(headers, "X-Signature-Ed25519"), hget(headers, "X-Signature-Timestamp")
        if sig is None or ts is None:
            return False, "missing X-Signature-Ed25519 / X-Signature-Timestamp"
        return quiet_call(discord_interactions.verify_key, body, sig, ts, self.verify_secret(secret))

    def lib_sign(self, body, secret, ctx):
        ts = str(ctx.get("ts", now()))
        sig = SigningKey(bytes.fromhex(secret[:64])).sign(ts.encode() + body).signature.hex()
        if self.rng.random() < 0.1:
            sig = sig.upper()  # verify_key takes bytes.fromhex: either case
        return {"X-Signature-Ed25519": sig, "X-Signature-Timestamp": ts}

    def edge_cases(self, secret):
        b, _ = self.body("json")
        h = self.lib_sign(b, secret, {"kind": "json"})
        out = [("public key given in upper case", b, h, {"kind": "json"}, True, {"secret_override": self.verify_secret(secret).upper()})]
        bad = dict(h)
        bad["X-Signature-Timestamp"] = str(int(bad["X-Signature-Timestamp"]) + 1)
        out.append(("timestamp header changed (it is signed)", b, bad, {"kind": "json"}, False, {}))
        return out


class Jira(Scheme):
    name = hookcat = "jira"
    has_timestamp = False
    body_kinds = ("json", "text", "empty")

    def secret(self):
        return rand_word(self.rng, self.rng.choice([16, 32, 40]), string.ascii_letters + string.digits + "-_")

    # No official Atlassian library verifies or signs Jira's webhooks (SIGNATURES.md
    # section 17): both sides are the documented construction, computed here with hmac:
    # X-Hub-Signature: "sha256=" + lower-case hex of HMAC-SHA256(key=secret UTF-8, msg=raw body).
    def lib_verify(self, body, headers, secret, ctx):
        sig = hget(headers, "X-Hub-Signature")
        if sig is None:
            return False, "no X-Hub-Signature header"
        want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(sig.strip(), want), f"computed {want}"

    def lib_sign(self, body, secret, ctx):
        return {"X-Hub-Signature": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}

    def edge_cases(self, secret):
        b, _ = self.body("json")
        sha1 = "sha1=" + hmac.new(secret.encode(), b, hashlib.sha1).hexdigest()
        sha1_as_256 = "sha256=" + hmac.new(secret.encode(), b, hashlib.sha1).hexdigest()
        return [
            # GitHub's legacy header value (the classic mix-up): not Jira's signature.
            ("GitHub's SHA-1 X-Hub-Signature", b, {"X-Hub-Signature": sha1}, {"kind": "json"}, False,
             {"refuse_codes": (1, 2)}),
            ("an HMAC-SHA1 under the sha256= prefix", b, {"X-Hub-Signature": sha1_as_256}, {"kind": "json"}, False, {}),
            # Receivers compare the lower-case hex as text (as for GitHub's header).
            ("upper-case hex", b,
             {"X-Hub-Signature": "sha256=" + hmac.new(secret.encode(), b, hashlib.sha256).hexdigest().upper()},
             {"kind": "json"}, False, {}),
        ]


SCHEME_CLASSES = {c.name: c for c in (Stripe, StandardWebhooks, Svix, Slack, Twilio, Square, Paddle, Discord, Jira)}

# headers whose name says which scheme --scheme auto should pick
AUTO_OK = {"stripe", "slack", "svix", "twilio", "square", "paddle", "discord", "standard-webhooks", "jira"}


# --------------------------------------------------------------------------- the suite


class Suite:
    def __init__(self, args, rng, results: Results, hc: Hookcat | None):
        self.args, self.rng, self.res, self.hc = args, rng, results, hc

    # ---- library self-checks (no hookcat)
    def selfcheck_vectors(self):
        path = os.path.join(ROOT, "..", "shared", "vectors", "published.json")
        for cand in (os.environ.get("HOOKCAT_VECTORS"), path, "/work/shared/vectors/published.json",
                     os.path.join(ROOT, "tests", "fixtures", "published.json")):
            if cand and os.path.exists(cand):
                path = cand
                break
        else:
            print("note: published.json not found; vector checks skipped", flush=True)
            return []
        with open(path) as f:
            vectors = json.load(f)["vectors"]
        usable = []
        for v in vectors:
            if v["scheme"] not in SCHEME_CLASSES or v["scheme"] not in self.schemes:
                continue
            sch = SCHEME_CLASSES[v["scheme"]](self.rng)
            body = v["body"].encode()
            ctx = {"kind": "json" if body[:1] == b"{" else ("form" if v.get("content_type", "").endswith("urlencoded") else "text"),
                   "url": v.get("url"), "tolerance": 0}
            ok, note = self._lib_verify_at(sch, body, v["headers"], v["secret"], ctx, v.get("timestamp"))
            self.res.record(ok, v["scheme"], "vector", f"library accepts the published vector ({v['source']})",
                            body=body, secret=v["secret"], headers=v["headers"], lib_note=note)
            usable.append((v, sch, ctx))
        return usable

    @staticmethod
    def _lib_verify_at(sch, body, headers, secret, ctx, ts):
        """The library's verdict with its clock pinned to a vector's timestamp."""
        if ts is None:
            return sch.lib_verify(body, headers, secret, ctx)
        slack_sig = sys.modules["slack_sdk.signature"]
        pv = sys.modules["paddle_billing.Notifications.Verifier"]  # the module, not the class
        sw = sys.modules["standardwebhooks.webhooks"]

        class FrozenDT(dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return dt.datetime.fromtimestamp(ts, tz=tz)
        saved = (slack_sig.time, pv.time, sw.datetime)
        try:
            slack_sig.time = lambda: ts
            pv.time = lambda: ts
            sw.datetime = FrozenDT
            return sch.lib_verify(body, headers, secret, ctx)
        finally:
            slack_sig.time, pv.time, sw.datetime = saved

    def selfcheck_roundtrip(self, sch: Scheme, n: int):
        """The library verifies its own signatures and refuses tampered bodies."""
        for i in range(n):
            secret = sch.secret()
            body, kind = sch.body(sch.body_kinds[i % len(sch.body_kinds)])
            ctx = sch.ctx(body, kind)
            h = sch.lib_sign(body, secret, ctx)
            ok, note = sch.lib_verify(body, h, secret, ctx)
            self.res.record(ok, sch.name, "selfcheck", "library accepts its own signature",
                            body=body, secret=secret, headers=h, lib_note=note, url=ctx.get("url"))
            tb = sch.tamper(body, kind, ctx)
            ok2, note2 = sch.lib_verify(tb, h, secret, ctx)
            self.res.record(not ok2, sch.name, "selfcheck", "library refuses a tampered body",
                            body=tb, secret=secret, headers=h, lib_note=note2)

    # ---- hookcat signs -> library judges
    def case_sign(self, sch: Scheme, secret: str, body: bytes, kind: str, tag: str = ""):
        rng = self.rng
        ctx = sch.ctx(body, kind)
        ts = None
        if sch.has_timestamp and rng.random() < 0.5:
            ts = now() + (rng.choice([0, 0, -1, 1]) if sch.name != "paddle" else 0)
        mid = None
        if sch.has_id and rng.random() < 0.5:
            mid = sch.msg_id()
        json_out = True if (sch.name == "twilio" and kind == "json") else None
        run = self.hc.sign(sch.hookcat, secret, body, timestamp=ts, msg_id=mid, url=sch.sign_url(ctx), json_out=json_out)
        direction = "hookcat signs -> library verifies" + tag
        d = dict(body=body, secret=secret, url=ctx.get("url"), timestamp=ts, id=mid, run=run, run_body=body)
        if run["rc"] != 0 or run["parse_error"]:
            self.res.record(False, sch.name, direction, "hookcat sign failed", expected="exit 0 with headers", got=f"exit {run['rc']}", **d)
            return
        headers = run["headers"]
        d["headers"] = headers
        if ts is not None and sch.ts_header:
            hv = hget(headers, sch.ts_header) or ""
            if str(ts) not in hv:
                self.res.record(False, sch.name, direction, f"--timestamp {ts} not carried in {sch.ts_header}", expected=str(ts), got=hv, **d)
        if mid is not None and sch.id_header:
            hv = hget(headers, sch.id_header)
            self.res.record(hv == mid, sch.name, direction, f"--id carried in {sch.id_header}", expected=mid, got=hv, **d)
        if sch.name == "twilio" and kind == "json":
            want = Twilio.with_body_hash(ctx["url"], body)
            got = run.get("signed_url")
            self.res.record(got == want, sch.name, direction, "--json signed_url is the URL with bodySHA256 appended", expected=want, got=got, **d)
            ctx["signed_url"] = got
        if sch.name == "twilio" and kind == "form" and run.get("signed_url"):
            self.res.record(False, sch.name, direction, "form body must not use the bodySHA256 mode", expected="no signed_url", got=run.get("signed_url"), **d)
        ok, note = sch.lib_verify(body, headers, secret, ctx)
        self.res.record(ok, sch.name, direction, "library accepts hookcat's signature", lib_note=note, **d)
        tb = sch.tamper(body, kind, ctx)
        ok2, note2 = sch.lib_verify(tb, headers, secret, ctx)
        d2 = dict(d, body=tb)
        self.res.record(not ok2, sch.name, direction, "library refuses hookcat's signature over a body with one byte changed", lib_note=note2, **d2)

    # ---- library signs -> hookcat judges
    def case_verify(self, sch: Scheme, secret: str, body: bytes, kind: str, tag: str = ""):
        rng = self.rng
        ctx = sch.ctx(body, kind)
        headers = sch.lib_sign(body, secret, ctx)
        direction = "library signs -> hookcat verifies" + tag
        vsecret = sch.verify_secret(secret)
        ok, note = sch.lib_verify(body, headers, secret, ctx)
        if not ok:  # the test itself is wrong: say so rather than blame hookcat
            self.res.record(False, sch.name, direction, "TEST BUG: library refuses its own signature", body=body, secret=secret, headers=headers, lib_note=note)
            return
        if rng.random() < 0.25:  # header names are case-insensitive
            headers = {(k.lower() if rng.random() < 0.5 else k.upper()): v for k, v in headers.items()}
        scheme_arg = "auto" if (sch.name in AUTO_OK and rng.random() < 0.12) else sch.hookcat
        url = sch.hookcat_verify_url(ctx)
        run = self.hc.verify(scheme_arg, vsecret, body, headers, url=url)
        d = dict(body=body, secret=vsecret, url=url, headers=headers, run=run, run_body=body)
        self.res.record(run["rc"] == 0, sch.name, direction, f"hookcat verify --scheme {scheme_arg} accepts the library's signature",
                        expected="exit 0", got=f"exit {run['rc']}", **d)
        tb = sch.tamper(body, kind, ctx)
        ok2, note2 = sch.lib_verify(tb, headers, secret, ctx)
        if ok2:
            self.res.record(False, sch.name, direction, "TEST BUG: library accepts the tampered body", body=tb, secret=secret, headers=headers)
            return
        run2 = self.hc.verify(scheme_arg, vsecret, tb, headers, url=url)
        d2 = dict(d, body=tb, run=run2, run_body=tb)
        self.res.record(run2["rc"] == 1, sch.name, direction, f"hookcat verify --scheme {scheme_arg} refuses a body with one byte changed",
                        expected="exit 1", got=f"exit {run2['rc']}", **d2)

    # ---- edge cases: the library's verdict is the oracle
    def case_edges(self, sch: Scheme):
        """Edge cases: (name, body, headers, ctx, expected, kw). kw may hold
        lib_secret (the secret both sides use instead of a random one), secret_override
        (what hookcat gets instead of verify_secret(secret)), tolerance and now_."""
        secret = sch.secret()
        for name, body, headers, ctx, expected, kw in sch.edge_cases(secret):
            ctx, kw = dict(ctx), dict(kw)
            lib_secret = kw.pop("lib_secret", secret)
            vsecret = kw.pop("secret_override", None) or sch.verify_secret(lib_secret)
            tol, now_ = kw.get("tolerance"), kw.get("now_")
            # a malformed header may be called invalid (1) or an input error (2): either
            # is a refusal; accepting it (0) is the failure
            refuse = kw.get("refuse_codes", (1,))
            if tol is not None:
                ctx["tolerance"] = tol
            if now_ is not None:
                ctx["tolerance"] = 0  # the library's clock is not pinned here: it checks the signature only
            ok, note = sch.lib_verify(body, headers, lib_secret, ctx)
            if ok != expected:
                self.res.record(False, sch.name, "edge", f"TEST BUG: library verdict {ok} for '{name}', test expects {expected}",
                                body=body, secret=lib_secret, headers=headers, lib_note=note)
                continue
            url = sch.hookcat_verify_url(ctx) if sch.needs_url else None
            run = self.hc.verify(sch.hookcat, vsecret, body, headers, url=url, now_=now_, tolerance=tol)
            want = (0,) if expected else refuse
            self.res.record(run["rc"] in want, sch.name, "edge (library verdict is the oracle)", name,
                            expected="exit " + " or ".join(map(str, want)), got=f"exit {run['rc']}", body=body, secret=vsecret, url=url,
                            headers=headers, run=run, run_body=body)

    # ---- published vectors through hookcat
    def case_vectors(self, usable):
        for v, sch, ctx in usable:
            body = v["body"].encode()
            url = v.get("url")
            run = self.hc.verify(v["scheme"], v["secret"], body, v["headers"], url=url, now_=v.get("timestamp"))
            self.res.record(run["rc"] == 0, v["scheme"], "vector", "hookcat verify accepts the published vector (--now pinned)",
                            expected="exit 0", got=f"exit {run['rc']}", body=body, secret=v["secret"], headers=v["headers"], url=url, run=run, run_body=body)
            run = self.hc.sign(v["scheme"], v["secret"], body, timestamp=v.get("timestamp"), msg_id=v.get("id"), url=url, json_out=False)
            for name, want in v["headers"].items():
                got = hget(run["headers"], name)
                if v["scheme"] == "paddle":  # the vector carries a decoy h1: hookcat must emit the real one
                    ok = got == "ts=1696195954;h1=d96299976a6eb066f484d7fde011ac56fc32b38fc9940bc419d6e537fdc6ef02"
                else:
                    ok = got == want
                self.res.record(ok, v["scheme"], "vector", f"hookcat sign reproduces {name}", expected=want, got=got,
                                body=body, secret=v["secret"], url=url, run=run, run_body=body)

    # ---- keygen
    def case_keygen(self, sch: Scheme):
        run = self.hc.keygen(sch.hookcat)
        doc = run.get("doc")
        if sch.name == "discord":
            ok = bool(doc) and isinstance(doc.get("private_key"), str) and isinstance(doc.get("public_key"), str)
            if ok:
                try:
                    derived = bytes(SigningKey(bytes.fromhex(doc["private_key"][:64])).verify_key).hex()
                    ok = derived == doc["public_key"].lower() and len(doc["private_key"]) in (64, 128)
                except ValueError:
                    ok = False
            self.res.record(ok, sch.name, "keygen", "keygen --json gives a private key whose PyNaCl public key is public_key",
                            got=run["stdout"][:300], run=run, run_body=b"")
            secret = doc["private_key"] if ok else None
        else:
            secret = doc.get("secret") if doc else None
            self.res.record(isinstance(secret, str) and len(secret) >= 16, sch.name, "keygen", "keygen --json gives a secret",
                            got=run["stdout"][:300], run=run, run_body=b"")
            if sch.name in ("standard-webhooks", "svix") and isinstance(secret, str):
                raw = base64.b64decode(secret.removeprefix("whsec_") + "==")
                self.res.record(24 <= len(raw) <= 64, sch.name, "keygen", "keygen secret is whsec_ + base64 of 24..64 bytes", got=secret)
        if secret:
            body, kind = sch.body("json" if "json" in sch.body_kinds else sch.body_kinds[0])
            self.case_sign(sch, secret, body, kind, tag=" (keygen secret)")
            self.case_verify(sch, secret, body, kind, tag=" (keygen secret)")

    def run(self):
        self.schemes = [s for s in SCHEMES_HERE if not self.args.only or s in self.args.only]
        usable = self.selfcheck_vectors()
        for name in self.schemes:
            self.selfcheck_roundtrip(SCHEME_CLASSES[name](self.rng), 5)
        if self.args.selfcheck:
            return
        self.case_vectors(usable)
        for name in self.schemes:
            sch = SCHEME_CLASSES[name](self.rng)
            t0 = time.time()
            n = self.args.cases
            big_at = self.rng.randrange(n)
            for i in range(n):
                kind = "big" if i == big_at else sch.body_kinds[i % len(sch.body_kinds)]
                if sch.name == "square" and kind == "empty":
                    kind = "json"
                secret = sch.secret()
                body, k = sch.body(kind)
                self.case_sign(sch, secret, body, k)
                body, k = sch.body(kind) if kind != "big" else (body, k)
                self.case_verify(sch, secret if self.rng.random() < 0.5 else sch.secret(), body, k)
            for label, secret in sch.fixed_secrets():
                body, k = sch.body("json")
                self.case_sign(sch, secret, body, k, tag=f" (secret: {label})")
                self.case_verify(sch, secret, body, k, tag=f" (secret: {label})")
            self.case_edges(sch)
            self.case_keygen(sch)
            ok, bad = self.res.by_scheme.get(name, [0, 0])
            print(f"  {name:<18} {ok:>4} ok {bad:>4} failed   ({time.time() - t0:.1f} s)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "hookcat"))
    ap.add_argument("--cases", type=int, default=int(os.environ.get("INTEROP_CASES", "25")))
    ap.add_argument("--seed", type=int, default=int(os.environ["INTEROP_SEED"]) if os.environ.get("INTEROP_SEED") else None)
    ap.add_argument("--only", type=lambda s: [x.strip() for x in s.split(",") if x.strip()], default=None)
    ap.add_argument("--selfcheck", action="store_true", help="check the libraries only; no hookcat binary needed")
    ap.add_argument("--result-file")
    args = ap.parse_args()
    if args.only:
        args.only = [s for s in args.only if s in SCHEME_CLASSES]
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"interop.py: seed {seed} (INTEROP_SEED={seed} to repeat), {args.cases} cases per scheme", flush=True)
    rng = random.Random(seed)
    failures_dir = os.path.join(ROOT, "target", "interop", "failures", "py")
    if os.path.isdir(failures_dir):
        import shutil
        shutil.rmtree(failures_dir, ignore_errors=True)
    res = Results(failures_dir)
    with tempfile.TemporaryDirectory(prefix="hookcat-interop-") as work:
        hc = None
        if not args.selfcheck:
            if not (os.path.isfile(args.binary) and os.access(args.binary, os.X_OK)):
                print(f"interop.py: hookcat binary not found or not executable: {args.binary}", flush=True)
                res.failed += 1
            else:
                hc = Hookcat(os.path.abspath(args.binary), work, rng)
        if args.selfcheck or hc:
            try:
                Suite(args, rng, res, hc).run()
            except Exception:  # noqa: BLE001 - a crash of the suite is a failure, not a pass
                traceback.print_exc()
                res.failed += 1
    print(f"interop.py: {res.passed} checks passed, {res.failed} failed", flush=True)
    if args.result_file:
        with open(args.result_file, "w") as f:
            json.dump({"passed": res.passed, "failed": res.failed}, f)
    sys.exit(1 if res.failed else 0)


if __name__ == "__main__":
    main()
