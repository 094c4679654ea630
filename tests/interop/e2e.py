#!/usr/bin/env python3
"""hookcat interop suite, end to end, Python side.

Real requests over loopback, judged by the providers' official Python SDKs at the moment
they arrive (see SIGNATURES.md in the shared folder for every scheme):

* ``send``:    a recording HTTP server on 127.0.0.1:0 (answers 200, keeps method, path,
               headers and the raw body bytes); ``hookcat send URL --event E`` for every
               catalog event of stripe, standard-webhooks, svix, slack, twilio, square,
               paddle and discord (``hookcat events list --provider P --json``), with a
               secret from ``hookcat keygen``. Each received request: the library accepts
               it; the same request with one body byte changed: the library refuses it;
               ``hookcat verify`` accepts it too (the core checks its own deliveries).
* ``retries``: a server that answers 503 + ``Retry-After: 1`` first and 200 second;
               ``hookcat send --retries 2``: both attempts are accepted by the library when
               they arrive (re-signed per attempt), the second arrives after the Retry-After
               delay with the same body, and for stripe / standard-webhooks / svix its
               timestamp is newer while the message id stays the same.
* ``replay``:  ``hookcat listen --save LOG`` captures a fresh delivery and one signed 1000 s
               ago (stale: the library refuses it); ``hookcat replay LOG --all --resign``
               into the recording server: the library accepts every replayed request at
               the current time, the body is byte-exact and the stale one carries a new
               timestamp. A byte-exact replay (no --resign) keeps the captured signature.
               (stripe and standard-webhooks: the issue names their libraries.)
* ``forward``: ``hookcat listen --forward-to`` in front of the recording server, which
               plays a Twilio app: it rebuilds the URL from the Host header and the path (as
               Flask's ``request.url`` does) and answers 200 when ``RequestValidator``
               accepts the request, else 403. ``hookcat send`` of every Twilio event to the
               listener: the app accepts each, and the sender gets its 200.

(github, shopify and linear are in e2e.mjs: their official SDKs are npm packages.)

Usage: e2e.py [--binary PATH] [--seed N] [--only a,b] [--skip-replay] [--skip-forward] [--result-file PATH]
Every failure is printed with the provider, event, check, received method, path, headers,
body and what the library said, and the hookcat command line.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import queue
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

# interop.py holds the SDK imports and the helpers (tamper, CIDict, form_params, the
# hookcat runner); importing it runs nothing (its suite is behind __main__).
import interop as iop  # noqa: E402
from interop import CIDict, form_params, hget, no_raise, quiet_call, short_repr  # noqa: E402

import stripe  # noqa: E402
import standardwebhooks  # noqa: E402
import svix.webhooks  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from twilio.request_validator import RequestValidator, get_signature_algorithm  # noqa: E402
from square.utils.webhooks_helper import verify_signature as square_verify_signature  # noqa: E402
from paddle_billing.Notifications import Secret, Verifier  # noqa: E402
import discord_interactions  # noqa: E402

PROVIDERS = ["stripe", "standard-webhooks", "svix", "slack", "twilio", "square", "paddle", "discord"]
RETRY_ID_HEADERS = {"stripe": None, "standard-webhooks": "webhook-id", "svix": "svix-id"}
STRIPE_TOLERANCE = 300
SEND_TIMEOUT = 30


# --------------------------------------------------------------------------- recording server


class Recorder:
    """ThreadingHTTPServer on 127.0.0.1:0 that keeps every request and, while it is being
    handled, runs ``judge(rec)`` so time-bound signatures are checked as they arrive.
    ``respond(n)`` gives the status and headers of the n-th request (0-based) since the
    last ``reset()``; the default answers 200."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.judge = None
        self.respond = lambda n: (200, {})
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _read_body(self):
                te = (self.headers.get("Transfer-Encoding") or "").lower()
                if "chunked" in te:
                    out = bytearray()
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return bytes(out)
                        out += self.rfile.read(size)
                        self.rfile.readline()
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n else b""

            def _any(self):
                body = self._read_body()
                r = {"method": self.command, "path": self.path, "headers": list(self.headers.items()),
                     "body": body, "t": time.time(), "verdicts": {}}
                with rec.lock:
                    r["n"] = len(rec.requests)
                    rec.requests.append(r)
                    judge, respond = rec.judge, rec.respond
                if judge:
                    try:
                        judge(r)
                    except Exception:  # noqa: BLE001 - a judge crash is reported, not swallowed
                        r["judge_error"] = traceback.format_exc()
                status, extra = respond(r["n"])
                payload = b"ok" if status < 300 else b"unavailable"
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def reset(self, judge=None, respond=None):
        with self.lock:
            self.requests = []
            self.judge = judge
            self.respond = respond or (lambda n: (200, {}))

    def take(self):
        with self.lock:
            out, self.requests = self.requests, []
            return out

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- the providers' libraries


class Judge:
    """One provider: its library verdict on a received request."""

    ts_source = None  # how to read the signed timestamp (for the retry / replay checks)

    def __init__(self, name, keydoc, rng):
        self.name, self.keydoc, self.rng = name, keydoc, rng
        self.secret = keydoc.get("secret")

    def send_secret(self):
        return self.secret

    def verify_secret(self):  # what hookcat verify gets
        return self.secret

    def lib(self, body: bytes, headers: dict, url: str):
        raise NotImplementedError

    def tamper(self, body: bytes, headers: dict):
        ct = (hget(headers, "content-type") or "").lower()
        return iop.tamper(body, self.rng, json_body="json" in ct)

    def timestamp(self, headers: dict):
        return None


class StripeJ(Judge):
    def lib(self, body, headers, url):
        h = hget(headers, "Stripe-Signature")
        if h is None:
            return False, "no Stripe-Signature header"
        return quiet_call(stripe.WebhookSignature.verify_header, body, h, self.secret, tolerance=STRIPE_TOLERANCE)

    def timestamp(self, headers):
        m = re.search(r"(?:^|,)\s*t=(\d+)", hget(headers, "Stripe-Signature") or "")
        return int(m.group(1)) if m else None


class StandardJ(Judge):
    def lib(self, body, headers, url):
        return no_raise(standardwebhooks.Webhook(self.secret).verify, body, dict(headers))

    def timestamp(self, headers):
        v = hget(headers, "webhook-timestamp")
        return int(v) if v and v.isdigit() else None


class SvixJ(Judge):
    def lib(self, body, headers, url):
        return no_raise(svix.webhooks.Webhook(self.secret).verify, body, dict(headers))

    def timestamp(self, headers):
        v = hget(headers, "svix-timestamp") or hget(headers, "webhook-timestamp")
        return int(v) if v and v.isdigit() else None


class SlackJ(Judge):
    def lib(self, body, headers, url):
        return quiet_call(SignatureVerifier(self.secret).is_valid_request, body, CIDict(headers))


class TwilioJ(Judge):
    # url: the full URL the request hit (scheme, host, port, path and query)
    def lib(self, body, headers, url):
        sig = hget(headers, "X-Twilio-Signature")
        if sig is None:
            return False, "no X-Twilio-Signature header"
        v = RequestValidator(self.secret)
        algo = get_signature_algorithm(hget(headers, "X-Twilio-Webhooks-Signature-Settings"))
        if "json" in (hget(headers, "content-type") or "").lower():
            return quiet_call(v.validate, url, body.decode(), sig, algo)  # bodySHA256 is in the URL hit
        return quiet_call(v.validate, url, form_params(body), sig, algo)

    def tamper(self, body, headers):
        if "json" in (hget(headers, "content-type") or "").lower():
            return iop.tamper(body, self.rng, json_body=True)
        return iop.Twilio(self.rng).tamper(body, "form", {})  # changes the decoded params


class SquareJ(Judge):
    # url: the notification URL = the URL hookcat was told to send to
    def lib(self, body, headers, url):
        sig = hget(headers, "x-square-hmacsha256-signature")
        if sig is None:
            return False, "no x-square-hmacsha256-signature header"
        return quiet_call(square_verify_signature, request_body=body.decode(), signature_header=sig,
                          signature_key=self.secret, notification_url=url)


class PaddleJ(Judge):
    def lib(self, body, headers, url):
        class Req:
            pass
        req = Req()
        req.headers = CIDict(headers)
        req.body = body
        return quiet_call(Verifier().verify, req, Secret(self.secret))


class DiscordJ(Judge):
    def send_secret(self):
        return self.keydoc["private_key"]

    def verify_secret(self):
        return self.keydoc["public_key"]

    def lib(self, body, headers, url):
        sig, ts = hget(headers, "X-Signature-Ed25519"), hget(headers, "X-Signature-Timestamp")
        if sig is None or ts is None:
            return False, "missing X-Signature-Ed25519 / X-Signature-Timestamp"
        return quiet_call(discord_interactions.verify_key, body, sig, ts, self.keydoc["public_key"])


JUDGES = {"stripe": StripeJ, "standard-webhooks": StandardJ, "svix": SvixJ, "slack": SlackJ,
          "twilio": TwilioJ, "square": SquareJ, "paddle": PaddleJ, "discord": DiscordJ}


# --------------------------------------------------------------------------- results


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.by: dict[str, list[int]] = {}

    def record(self, ok, provider, part, check, **d):
        s = self.by.setdefault(provider, [0, 0])
        if ok:
            self.passed += 1
            s[0] += 1
            return True
        self.failed += 1
        s[1] += 1
        lines = [f"FAIL [{provider}] e2e {part}: {check}"]
        for k in ("event", "note", "expected", "got"):
            if d.get(k) is not None:
                lines.append(f"    {k}: {d[k]}")
        if d.get("secret") is not None:
            lines.append(f"    secret: {d['secret']!r}")
        for i, r in enumerate(d.get("recs") or []):
            lines.append(f"    request {i + 1}: {r['method']} {r['path']}  (at {r['t']:.3f})")
            lines.append(f"      headers: {json.dumps(r['headers'], ensure_ascii=False)}")
            lines.append(f"      body: {short_repr(r['body'])}")
        if d.get("body") is not None:
            lines.append(f"    body judged: {short_repr(d['body'])}")
        if d.get("url") is not None:
            lines.append(f"    url: {d['url']!r}")
        if d.get("lib_note"):
            lines.append(f"    library said: {d['lib_note']}")
        run = d.get("run")
        if run:
            envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in run["env"].items())
            lines.append(f"    hookcat: {envs + ' ' if envs else ''}{' '.join(shlex.quote(a) for a in run['argv'])}"
                         f"{'  < body' if run.get('body_mode') in ('dash', 'stdin') else ''}   (exit {run['rc']})")
            if run["stdout"].strip():
                lines.append(f"    stdout: {run['stdout'].strip()[:800]!r}")
            if run["stderr"].strip():
                lines.append(f"    stderr: {run['stderr'].strip()[:800]!r}")
        print("\n".join(lines), flush=True)
        return False


# --------------------------------------------------------------------------- the suite


class E2E:
    def __init__(self, args, rng, res: Results, binary: str, work: str):
        self.args, self.rng, self.res, self.binary, self.work = args, rng, res, binary, work
        self.hc = iop.Hookcat(binary, work, rng)
        self.env = dict(self.hc.base_env)

    # ---- running hookcat
    def hookcat(self, args, env_add=None, timeout=SEND_TIMEOUT):
        env = dict(self.env)
        env.update(env_add or {})
        argv = [self.binary] + args
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, timeout=timeout)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except (OSError, subprocess.TimeoutExpired) as e:
            rc, out, err = -1, b"", str(e).encode()
        return {"argv": argv, "env": env_add or {}, "rc": rc, "stdout": out.decode("utf-8", "replace"),
                "stderr": err.decode("utf-8", "replace"), "body_mode": None}

    def keygen(self, provider):
        scheme = "discord" if provider == "discord" else provider
        run = self.hookcat(["keygen", "--scheme", scheme, "--json"])
        doc = None
        if run["rc"] == 0:
            try:
                doc = json.loads(run["stdout"])
            except ValueError:
                doc = None
        want = ("private_key", "public_key") if provider == "discord" else ("secret",)
        ok = isinstance(doc, dict) and all(isinstance(doc.get(k), str) and doc.get(k) for k in want)
        self.res.record(ok, provider, "setup", f"hookcat keygen --scheme {scheme} --json gives {'/'.join(want)}",
                        got=run["stdout"][:300], run=run)
        return doc if ok else None

    def events(self, provider):
        run = self.hookcat(["events", "list", "--provider", provider, "--json"])
        try:
            evs = json.loads(run["stdout"]) if run["rc"] == 0 else None
        except ValueError:
            evs = None
        ok = isinstance(evs, list) and len(evs) > 0 and all(e.get("provider") == provider for e in evs)
        self.res.record(ok, provider, "setup", f"hookcat events list --provider {provider} --json lists its events",
                        got=run["stdout"][:300], run=run)
        return evs if ok else []

    def send(self, url, event, secret, extra=()):
        var = "E2E_SECRET"
        return self.hookcat(["send", url, "--event", event, "--secret-env", var, "--no-input"] + list(extra), {var: secret})

    # ---- judging a request as it arrives
    def judge_fn(self, j: Judge, url_of):
        """-> a Recorder judge: the library's verdict on the request and on the request with
        one body byte changed, both taken while the request is being handled."""
        def judge(r):
            headers = dict(r["headers"])
            url = url_of(r)
            r["verdicts"]["accept"] = j.lib(r["body"], headers, url)
            tb = j.tamper(r["body"], headers)
            r["tampered"] = tb
            r["verdicts"]["tampered"] = j.lib(tb, headers, url)
            r["judged_at"] = time.time()
        return judge

    def check_judged(self, provider, part, event, r, j, secret, run, url, tag=""):
        recs = [r]
        if r.get("judge_error"):
            self.res.record(False, provider, part, f"TEST BUG: the judge crashed{tag}", event=event, note=r["judge_error"], recs=recs, run=run)
            return
        ok, note = r["verdicts"]["accept"]
        self.res.record(ok, provider, part, f"the library accepts the received request{tag}", event=event,
                        secret=secret, recs=recs, url=url, lib_note=note, run=run)
        ok2, note2 = r["verdicts"]["tampered"]
        self.res.record(not ok2, provider, part, f"the library refuses the received request with one body byte changed{tag}",
                        event=event, secret=secret, recs=recs, body=r["tampered"], url=url, lib_note=note2, run=run)

    def core_verify(self, provider, part, event, r, j, url, needs_url):
        headers = dict(r["headers"])
        run = self.hc.verify(provider, j.verify_secret(), r["body"], headers, url=url if needs_url else None)
        self.res.record(run["rc"] == 0, provider, part, "hookcat verify accepts the request hookcat sent", event=event,
                        expected="exit 0", got=f"exit {run['rc']}", secret=j.verify_secret(), recs=[r], url=url, run=run)

    # ---- part 1: send every catalog event
    def part_send(self, provider, j: Judge, events):
        rec = self.recorder
        needs_url = provider in ("twilio", "square")
        cases = [(e, "/hook") for e in events]
        if needs_url:
            # the URL is signed: one more delivery to a URL with a query string
            cases.append((events[0], "/hook/" + provider + "?a=1&b=x%20y&c=%C3%A9"))
        for event, path in cases:
            url = rec.base() + path
            # twilio: the full URL the request hit; square: the notification URL (the one sent to)
            url_of = (lambda r: rec.base() + r["path"]) if provider == "twilio" else (lambda r, u=url: u)
            rec.reset(judge=self.judge_fn(j, url_of))
            run = self.send(url, event, j.send_secret())
            got = rec.take()
            self.res.record(run["rc"] == 0, provider, "send", "hookcat send exits 0", event=event, expected="exit 0",
                            got=f"exit {run['rc']}", recs=got, run=run)
            if len(got) != 1:
                self.res.record(False, provider, "send", "exactly one request arrives", event=event, expected=1,
                                got=len(got), recs=got, run=run)
                if not got:
                    continue
            r = got[0]
            headers = dict(r["headers"])
            ct = (hget(headers, "content-type") or "").split(";")[0].strip().lower()
            want_ct = self.event_ct.get(event, "")
            self.res.record(r["method"] == "POST" and r["path"] == path and ct == want_ct.lower(), provider, "send",
                            "POST to the path given, with the catalog's Content-Type", event=event,
                            expected=f"POST {path} {want_ct}", got=f"{r['method']} {r['path']} {ct}", recs=[r], run=run)
            self.check_judged(provider, "send", event, r, j, j.send_secret(), run, url_of(r))
            self.core_verify(provider, "send", event, r, j, url_of(r), needs_url)

    # ---- part 1b: retries, re-signed per attempt
    def part_retries(self, provider, j: Judge, event):
        rec = self.recorder
        url = rec.base() + "/retry"
        url_of = (lambda r: rec.base() + r["path"]) if provider == "twilio" else (lambda r: url)
        rec.reset(judge=self.judge_fn(j, url_of),
                  respond=lambda n: (503, {"Retry-After": "1"}) if n == 0 else (200, {}))
        run = self.send(url, event, j.send_secret(), ["--retries", "2"])
        got = rec.take()
        self.res.record(run["rc"] == 0, provider, "retries", "hookcat send --retries 2 exits 0 after 503 then 200", event=event,
                        expected="exit 0", got=f"exit {run['rc']}", recs=got, run=run)
        if not self.res.record(len(got) == 2, provider, "retries", "two attempts arrive (503, then 200)", event=event,
                               expected=2, got=len(got), recs=got, run=run):
            if len(got) < 2:
                for i, r in enumerate(got):
                    self.check_judged(provider, "retries", event, r, j, j.send_secret(), run, url_of(r), tag=f" (attempt {i + 1})")
                return
        a, b = got[0], got[1]
        for i, r in enumerate((a, b)):
            self.check_judged(provider, "retries", event, r, j, j.send_secret(), run, url_of(r), tag=f" (attempt {i + 1}, judged on arrival)")
        gap = b["t"] - a["t"]
        self.res.record(gap >= 0.9, provider, "retries", "the second attempt waits for Retry-After: 1", event=event,
                        expected=">= 1 s between attempts", got=f"{gap:.3f} s", recs=[a, b], run=run)
        self.res.record(a["body"] == b["body"], provider, "retries", "both attempts carry the same body bytes", event=event,
                        recs=[a, b], run=run)
        if provider in RETRY_ID_HEADERS:
            ta, tb = j.timestamp(dict(a["headers"])), j.timestamp(dict(b["headers"]))
            self.res.record(ta is not None and tb is not None and tb > ta, provider, "retries",
                            "the second attempt is re-signed with a newer timestamp", event=event,
                            expected=f"> {ta}", got=tb, recs=[a, b], run=run)
            idh = RETRY_ID_HEADERS[provider]
            if idh:
                ia, ib = hget(dict(a["headers"]), idh), hget(dict(b["headers"]), idh)
                self.res.record(ia is not None and ia == ib, provider, "retries", f"{idh} stays the same across attempts",
                                event=event, expected=ia, got=ib, recs=[a, b], run=run)

    # ---- part 2: replay --resign
    def start_listener(self, log, argv=None, env_add=None):
        argv = argv or [self.binary, "listen", "--port", "0", "--save", log, "--no-handshake", "--quiet"]
        env = dict(self.env)
        env.update(env_add or {})
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        lines: queue.Queue = queue.Queue()
        err_all: list[str] = []

        def pump():
            for raw in p.stderr:
                s = raw.decode("utf-8", "replace")
                err_all.append(s)
                lines.put(s)
        threading.Thread(target=pump, daemon=True).start()
        deadline = time.time() + 15
        first = None
        while time.time() < deadline:
            try:
                first = lines.get(timeout=0.2)
                break
            except queue.Empty:
                if p.poll() is not None:
                    break
        m = re.match(r"Listening on (http://127\.0\.0\.1:\d+)\s*$", first or "")
        return p, (m.group(1) if m else None), first, err_all, argv

    def stop_listener(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
        try:
            rc = p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
        return rc

    def part_replay(self, provider, j: Judge, event):
        part = "replay"
        log = os.path.join(self.work, f"capture-{provider}.jsonl")
        p, base, first, err_all, largv = self.start_listener(log)
        lrun = {"argv": largv, "env": {}, "rc": p.poll(), "stdout": "", "stderr": "".join(err_all), "body_mode": None}
        if not self.res.record(base is not None, provider, part, "hookcat listen announces 'Listening on http://127.0.0.1:PORT' first",
                               got=repr(first), run=lrun):
            self.stop_listener(p)
            return
        # 1. a fresh delivery of a catalog event
        run1 = self.send(base + "/hook", event, j.send_secret())
        self.res.record(run1["rc"] == 0, provider, part, "hookcat send into the listener exits 0", event=event,
                        expected="exit 0", got=f"exit {run1['rc']}", run=run1)
        # 2. a delivery signed 1000 s ago: hookcat sign --timestamp, then a raw POST
        stale_ts = int(time.time()) - 1000
        body, _ = iop.Stripe(self.rng).body("json") if provider == "stripe" else iop.StandardWebhooks(self.rng).body("json")
        extra_id = {"msg_id": "msg_e2e" + iop.rand_word(self.rng, 20)} if provider != "stripe" else {}
        srun = self.hc.sign(provider, j.secret, body, timestamp=stale_ts, json_out=True, **extra_id)
        if not self.res.record(srun["rc"] == 0 and not srun["parse_error"], provider, part, "hookcat sign --timestamp NOW-1000 works",
                               got=f"exit {srun['rc']} {srun['parse_error'] or ''}", run=srun):
            self.stop_listener(p)
            return
        stale_headers = dict(srun["headers"])
        ok_pre, note_pre = j.lib(body, stale_headers, None)
        self.res.record(not ok_pre, provider, part, "TEST PRECONDITION: the library refuses the stale signature (so --resign is needed)",
                        body=body, got=json.dumps(stale_headers), lib_note=note_pre)
        req = urllib.request.Request(base + "/hook", data=body, method="POST",
                                     headers={**stale_headers, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                st = resp.status
        except Exception as e:  # noqa: BLE001
            st = f"{type(e).__name__}: {e}"
        self.res.record(st == 200, provider, part, "the listener answers the raw POST with 200", got=st)
        lrc = self.stop_listener(p)
        lrun["rc"], lrun["stderr"] = lrc, "".join(err_all)
        self.res.record(lrc in (0, 130), provider, part, "hookcat listen stops on SIGINT", got=f"exit {lrc}", run=lrun)
        caps = []
        try:
            with open(log, "rb") as f:
                caps = [json.loads(line) for line in f if line.strip()]
        except (OSError, ValueError) as e:
            self.res.record(False, provider, part, "the capture log is readable JSON Lines", got=str(e), run=lrun)
            return
        if not self.res.record(len(caps) == 2, provider, part, "the capture log holds the two requests",
                               expected=2, got=len(caps), run=lrun):
            return
        cap_bodies = [self.capture_body(c) for c in caps]
        self.res.record(cap_bodies[1] == body, provider, part, "the capture keeps the raw POST's body byte-exact",
                        body=cap_bodies[1], expected=short_repr(body))
        cap_ts = [j.timestamp(dict(c["headers"])) for c in caps]

        # replay --resign into the recording server, judged as each request arrives
        rec = self.recorder
        url = rec.base()
        rec.reset(judge=self.judge_fn(j, lambda r: url + r["path"]))
        var = "E2E_SECRET"
        rrun = self.hookcat(["replay", log, "--to", url, "--all", "--resign", "--scheme", provider, "--secret-env", var],
                            {var: j.secret})
        got = rec.take()
        self.res.record(rrun["rc"] == 0, provider, part, "hookcat replay --all --resign exits 0", expected="exit 0",
                        got=f"exit {rrun['rc']}", recs=got, run=rrun)
        if not self.res.record(len(got) == 2, provider, part, "both captures are replayed", expected=2, got=len(got), recs=got, run=rrun):
            return
        for i, r in enumerate(got):
            label = "fresh" if i == 0 else "stale (signed 1000 s ago)"
            tag = f" (replay --resign of the {label} capture)"
            self.check_judged(provider, part, event if i == 0 else "(raw POST)", r, j, j.secret, rrun, url + r["path"], tag=tag)
            self.res.record(r["body"] == cap_bodies[i], provider, part, f"the replayed body is byte-exact{tag}",
                            recs=[r], expected=short_repr(cap_bodies[i]), run=rrun)
        ts_new = j.timestamp(dict(got[1]["headers"]))
        self.res.record(ts_new is not None and cap_ts[1] is not None and ts_new != cap_ts[1] and ts_new >= int(got[1]["t"]) - 5,
                        provider, part, "--resign puts a current timestamp on the stale capture",
                        expected=f"!= {cap_ts[1]} and about {int(got[1]['t'])}", got=ts_new, recs=[got[1]], run=rrun)

        # byte-exact replay (no --resign): the captured signatures travel unchanged, so the
        # library accepts the fresh one and refuses the stale one
        rec.reset(judge=self.judge_fn(j, lambda r: url + r["path"]))
        brun = self.hookcat(["replay", log, "--to", url, "--all"])
        got = rec.take()
        if not self.res.record(len(got) == 2, provider, part, "hookcat replay --all (byte-exact) replays both captures",
                               expected=2, got=len(got), recs=got, run=brun):
            return
        sig_names = {"stripe": ["stripe-signature"], "standard-webhooks": ["webhook-id", "webhook-timestamp", "webhook-signature"]}[provider]
        for i, r in enumerate(got):
            want = {n: hget(dict(caps[i]["headers"]), n) for n in sig_names}
            have = {n: hget(dict(r["headers"]), n) for n in sig_names}
            self.res.record(want == have and r["body"] == cap_bodies[i], provider, part,
                            "a byte-exact replay carries the captured body and signature headers unchanged",
                            expected=json.dumps(want), got=json.dumps(have), recs=[r], run=brun)
        ok0, n0 = got[0]["verdicts"].get("accept", (False, "not judged"))
        self.res.record(ok0, provider, part, "the library accepts the byte-exact replay of the fresh capture",
                        event=event, recs=[got[0]], lib_note=n0, run=brun)
        ok1, n1 = got[1]["verdicts"].get("accept", (False, "not judged"))
        self.res.record(not ok1, provider, part, "the library refuses the byte-exact replay of the stale capture",
                        recs=[got[1]], lib_note=n1, run=brun)

    # ---- part 3: behind listen --forward-to, an app that validates with the library
    def part_forward(self, provider, j: Judge, events):
        part = "forward"
        rec = self.recorder
        var = "E2E_SECRET"
        argv = [self.binary, "listen", "--port", "0", "--no-save", "--quiet", "--scheme", provider,
                "--secret-env", var, "--forward-to", rec.base()]
        p, base, first, err_all, largv = self.start_listener(None, argv, {var: j.verify_secret()})
        lrun = {"argv": largv, "env": {var: j.verify_secret()}, "rc": p.poll(), "stdout": "", "stderr": "".join(err_all),
                "body_mode": None}
        if not self.res.record(base is not None, provider, part, "hookcat listen --forward-to announces its address",
                               got=repr(first), run=lrun):
            self.stop_listener(p)
            return

        # The app sees the URL as a web framework rebuilds it: scheme, Host header, path.
        def url_of(r):
            h = dict(r["headers"])
            return f"{hget(h, 'x-forwarded-proto') or 'http'}://{hget(h, 'host')}{r['path']}"

        def respond(n):
            with rec.lock:
                r = rec.requests[n]
            return (200 if r["verdicts"].get("accept", (False, ""))[0] else 403), {}

        rec.reset(judge=self.judge_fn(j, url_of), respond=respond)
        for event in events:
            path = "/hook/" + provider + "?a=1"
            run = self.send(base + path, event, j.send_secret())
            got = rec.take()
            rec.reset(judge=self.judge_fn(j, url_of), respond=respond)
            self.res.record(run["rc"] == 0, provider, part, "hookcat send through the listener gets the app's 200",
                            event=event, expected="exit 0", got=f"exit {run['rc']}", recs=got, run=run)
            if not self.res.record(len(got) == 1, provider, part, "exactly one request reaches the app", event=event,
                                   expected=1, got=len(got), recs=got, run=run):
                continue
            r = got[0]
            host = hget(dict(r["headers"]), "host")
            self.res.record(host == base.split("://", 1)[1], provider, part, "the app gets the Host the sender used",
                            event=event, expected=base.split("://", 1)[1], got=host, recs=[r], run=run)
            self.check_judged(provider, part, event, r, j, j.send_secret(), run, url_of(r))
        lrc = self.stop_listener(p)
        lrun["rc"], lrun["stderr"] = lrc, "".join(err_all)
        self.res.record(lrc in (0, 130), provider, part, "hookcat listen --forward-to stops on SIGINT", got=f"exit {lrc}", run=lrun)

    @staticmethod
    def capture_body(c):
        import base64
        if isinstance(c.get("body_base64"), str):
            return base64.b64decode(c["body_base64"])
        if c.get("body_encoding") == "base64":
            return base64.b64decode(c["body"])
        return (c.get("body") or "").encode("utf-8")

    def run(self):
        self.recorder = Recorder()
        self.event_ct = {}
        providers = [p for p in PROVIDERS if not self.args.only or p in self.args.only]
        try:
            judges = {}
            for provider in providers:
                t0 = time.time()
                doc = self.keygen(provider)
                evs = self.events(provider)
                if not doc or not evs:
                    continue
                for e in evs:
                    self.event_ct[e["name"]] = e.get("content_type") or ""
                j = JUDGES[provider](provider, doc, self.rng)
                judges[provider] = (j, evs)
                self.part_send(provider, j, [e["name"] for e in evs])
                # slack: the form-encoded slash command if there is one, else the first event
                rev = next((e["name"] for e in evs if "x-www-form-urlencoded" in (e.get("content_type") or "")), evs[0]["name"]) \
                    if provider == "slack" else evs[0]["name"]
                self.part_retries(provider, j, rev)
                ok, bad = self.res.by.get(provider, [0, 0])
                print(f"  {provider:<18} {ok:>4} ok {bad:>4} failed   ({time.time() - t0:.1f} s)", flush=True)
            if not self.args.skip_replay:
                for provider in ("stripe", "standard-webhooks"):
                    if provider not in judges:
                        continue
                    t0 = time.time()
                    before = list(self.res.by.get(provider, [0, 0]))
                    j, evs = judges[provider]
                    self.part_replay(provider, j, evs[0]["name"])
                    ok, bad = self.res.by.get(provider, [0, 0])
                    print(f"  {provider + ' replay':<18} {ok - before[0]:>4} ok {bad - before[1]:>4} failed   ({time.time() - t0:.1f} s)",
                          flush=True)
            if not self.args.skip_forward and "twilio" in judges:
                t0 = time.time()
                before = list(self.res.by.get("twilio", [0, 0]))
                j, evs = judges["twilio"]
                self.part_forward("twilio", j, [e["name"] for e in evs])
                ok, bad = self.res.by.get("twilio", [0, 0])
                print(f"  {'twilio forward':<18} {ok - before[0]:>4} ok {bad - before[1]:>4} failed   ({time.time() - t0:.1f} s)",
                      flush=True)
        finally:
            self.recorder.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "hookcat"))
    ap.add_argument("--seed", type=int, default=int(os.environ["INTEROP_SEED"]) if os.environ.get("INTEROP_SEED") else None)
    ap.add_argument("--only", type=lambda s: [x.strip() for x in s.split(",") if x.strip()], default=None)
    ap.add_argument("--skip-replay", action="store_true", help="leave out the replay --resign part")
    ap.add_argument("--skip-forward", action="store_true", help="leave out the listen --forward-to part")
    ap.add_argument("--result-file")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"e2e.py: seed {seed} (INTEROP_SEED={seed} to repeat)", flush=True)
    rng = random.Random(seed)
    res = Results()
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="hookcat-e2e-") as work:
        if not (os.path.isfile(args.binary) and os.access(args.binary, os.X_OK)):
            print(f"e2e.py: hookcat binary not found or not executable: {args.binary}", flush=True)
            res.failed += 1
        else:
            try:
                E2E(args, rng, res, os.path.abspath(args.binary), work).run()
            except Exception:  # noqa: BLE001 - a crash of the suite is a failure, not a pass
                traceback.print_exc()
                res.failed += 1
    print(f"e2e.py: {res.passed} checks passed, {res.failed} failed ({time.time() - t0:.1f} s)", flush=True)
    if args.result_file:
        with open(args.result_file, "w") as f:
            json.dump({"passed": res.passed, "failed": res.failed}, f)
    sys.exit(1 if res.failed else 0)


if __name__ == "__main__":
    main()
