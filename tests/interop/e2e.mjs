#!/usr/bin/env node
// hookcat interop suite, end to end, Node side: github, shopify and linear, whose official
// SDKs are npm packages (e2e.py has the other providers and the replay --resign part).
//
//   send:    a recording HTTP server (http.createServer on 127.0.0.1:0; answers 200, keeps
//            method, path, headers and the raw body bytes); `hookcat send URL --event E`
//            for every catalog event of the provider (`hookcat events list --provider P
//            --json`) with a secret from `hookcat keygen`. Each request, judged while it is
//            being handled: the library accepts it; with one body byte changed the library
//            refuses it; `hookcat verify` accepts it (the core checks its own deliveries).
//            github: @octokit/webhooks-methods verify; shopify: shopify.webhooks.validate
//            given the real IncomingMessage (it also requires X-Shopify-Topic, -Shop-Domain,
//            -API-Version and -Webhook-Id); linear: LinearWebhookClient.verify (it needs the
//            body's webhookTimestamp within 60 s of now).
//   retries: the server answers 503 + `Retry-After: 1` first and 200 second; `hookcat send
//            --retries 2`: both attempts arrive, each accepted by the library when it arrives
//            (re-signed per attempt), the second after the Retry-After delay.
//
// Usage: node e2e.mjs [--binary PATH] [--seed N] [--only a,b] [--result-file PATH]
// Failures print provider, event, check, the received method, path, headers and body, what
// the library said and the hookcat command line.

import '@shopify/shopify-api/adapters/node';
import { shopifyApi, ApiVersion, LogSeverity } from '@shopify/shopify-api';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(path.dirname(HERE));
const PROVIDERS = ['github', 'shopify', 'linear'];
const SEND_TIMEOUT_MS = 30000;

function parseArgs(argv) {
  const a = {
    binary: path.join(ROOT, 'target', 'debug', 'hookcat'),
    seed: process.env.INTEROP_SEED ? Number(process.env.INTEROP_SEED) : null,
    only: null,
    resultFile: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--binary') a.binary = argv[++i];
    else if (k === '--seed') a.seed = Number(argv[++i]);
    else if (k === '--only') a.only = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
    else if (k === '--result-file') a.resultFile = argv[++i];
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

// ------------------------------------------------------------------ helpers (as in interop.mjs)

function makeRng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    random: next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    choice: (arr) => arr[Math.floor(next() * arr.length)],
  };
}

// Change one byte keeping the body valid UTF-8 (and valid JSON for JSON bodies):
// JSON: a digit becomes another non-zero digit; other bodies: an ASCII letter or digit
// becomes another of its class. An empty body gets one byte appended.
function tamper(body, rng, json = false) {
  if (body.length === 0) return Buffer.from('x');
  const b = Buffer.from(body);
  const pos = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    const digit = c >= 0x30 && c <= 0x39;
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (json ? digit : digit || letter) pos.push(i);
  }
  if (pos.length === 0) return Buffer.concat([b, Buffer.from('x')]);
  const i = rng.choice(pos);
  const c = String.fromCharCode(b[i]);
  let set;
  if (/[0-9]/.test(c)) set = json ? '123456789' : '0123456789';
  else if (/[a-z]/.test(c)) set = 'abcdefghijklmnopqrstuvwxyz';
  else set = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  b[i] = rng.choice([...set].filter((x) => x !== c)).charCodeAt(0);
  return b;
}

function shortRepr(buf, limit = 600) {
  if (buf == null) return 'null';
  if (buf.length <= limit) return JSON.stringify(buf.toString('utf8'));
  const head = JSON.stringify(buf.subarray(0, 300).toString('utf8'));
  const tail = JSON.stringify(buf.subarray(buf.length - 120).toString('utf8'));
  return `${head} ... ${tail} (${buf.length} bytes, sha256 ${createHash('sha256').update(buf).digest('hex').slice(0, 16)})`;
}

function shq(s) {
  return /^[A-Za-z0-9_\-+=\/.,:@%]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`;
}

function hget(headers, name) {
  for (const [k, v] of Object.entries(headers || {})) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

async function libCall(fn) {
  try {
    const v = await fn();
    const ok = v === true || (v && v.valid === true);
    let note = '';
    if (v && v.valid === false) note = `valid:false reason=${v.reason}${v.missingHeaders ? ' missingHeaders=' + JSON.stringify(v.missingHeaders) : ''}`;
    else if (!ok) note = `returned ${JSON.stringify(v)}`;
    return [ok, note];
  } catch (e) {
    return [false, `${e.name}: ${e.message}`];
  }
}

// ------------------------------------------------------------------ results

class Results {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.by = {};
  }

  record(ok, provider, part, check, d = {}) {
    const s = (this.by[provider] ??= [0, 0]);
    if (ok) {
      this.passed++;
      s[0]++;
      return true;
    }
    this.failed++;
    s[1]++;
    const lines = [`FAIL [${provider}] e2e ${part}: ${check}`];
    for (const k of ['event', 'note', 'expected', 'got']) if (d[k] != null) lines.push(`    ${k}: ${d[k]}`);
    if (d.secret != null) lines.push(`    secret: ${JSON.stringify(d.secret)}`);
    (d.recs || []).forEach((r, i) => {
      lines.push(`    request ${i + 1}: ${r.method} ${r.path}  (at ${(r.t / 1000).toFixed(3)})`);
      lines.push(`      headers: ${JSON.stringify(r.rawHeaders)}`);
      lines.push(`      body: ${shortRepr(r.body)}`);
    });
    if (d.body != null) lines.push(`    body judged: ${shortRepr(d.body)}`);
    if (d.libNote) lines.push(`    library said: ${d.libNote}`);
    if (d.run) {
      const r = d.run;
      const envs = Object.entries(r.env).map(([k, v]) => `${k}=${shq(v)} `).join('');
      lines.push(`    hookcat: ${envs}${r.argv.map(shq).join(' ')}${r.stdinBody ? '  < body' : ''}   (exit ${r.rc})`);
      if (r.stdout.trim()) lines.push(`    stdout: ${JSON.stringify(r.stdout.trim().slice(0, 800))}`);
      if (r.stderr.trim()) lines.push(`    stderr: ${JSON.stringify(r.stderr.trim().slice(0, 800))}`);
    }
    console.log(lines.join('\n'));
    return false;
  }
}

// ------------------------------------------------------------------ recording server

// Keeps every request; while a request is being handled (before it is answered) runs
// `judge(rec, req)`, so time-bound signatures are checked as they arrive. `respond(n)` gives
// [status, headers] for the n-th request since the last reset (default 200).
class Recorder {
  constructor() {
    this.requests = [];
    this.judge = null;
    this.respond = () => [200, {}];
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const rec = {
          method: req.method,
          path: req.url,
          headers: { ...req.headers },
          rawHeaders: pairs(req.rawHeaders),
          body: Buffer.concat(chunks),
          t: Date.now(),
          verdicts: {},
          n: this.requests.length,
        };
        this.requests.push(rec);
        const { judge, respond } = this;
        if (judge) {
          try {
            await judge(rec, req);
          } catch (e) {
            rec.judgeError = e && e.stack ? e.stack : String(e);
          }
        }
        const [status, extra] = respond(rec.n);
        const payload = status < 300 ? 'ok' : 'unavailable';
        res.writeHead(status, { ...extra, 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(payload) });
        res.end(payload);
      });
    });
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port)));
  }

  base() {
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  reset(judge = null, respond = null) {
    this.requests = [];
    this.judge = judge;
    this.respond = respond || (() => [200, {}]);
  }

  take() {
    const out = this.requests;
    this.requests = [];
    return out;
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function pairs(raw) {
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

// ------------------------------------------------------------------ the providers' libraries

class GitHubJ {
  constructor(secret, rng) {
    Object.assign(this, { secret, rng });
  }
  async lib(body, headers) {
    const sig = hget(headers, 'X-Hub-Signature-256');
    if (sig == null) return [false, 'no X-Hub-Signature-256 header'];
    // octokit takes the payload as a JS string and hashes it as UTF-8
    return libCall(() => octokitVerify(this.secret, body.toString('utf8'), sig));
  }
}

class ShopifyJ {
  constructor(secret, rng) {
    Object.assign(this, { secret, rng });
    this.shopify = shopifyApi({
      apiKey: 'interop-e2e-key',
      apiSecretKey: secret,
      scopes: [],
      hostName: 'localhost:3000',
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: false,
      logger: { level: LogSeverity.Error, log: async () => {} },
    });
  }
  // req: the node IncomingMessage as received: validate() reads its headers itself
  async lib(body, headers, req) {
    return libCall(() => this.shopify.webhooks.validate({ rawBody: body.toString('utf8'), rawRequest: req }));
  }
}

class LinearJ {
  constructor(secret, rng) {
    Object.assign(this, { secret, rng });
  }
  async lib(body, headers) {
    const sig = hget(headers, 'Linear-Signature');
    if (sig == null) return [false, 'no Linear-Signature header'];
    return libCall(() => new LinearWebhookClient(this.secret).verify(body, sig));
  }
}

const JUDGES = { github: GitHubJ, shopify: ShopifyJ, linear: LinearJ };

// ------------------------------------------------------------------ the suite

class E2E {
  constructor(args, rng, res, binary) {
    Object.assign(this, { args, rng, res, binary });
    this.env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKCAT')));
    this.env.NO_COLOR = '1';
  }

  runSync(args, envAdd = {}, input = null) {
    const p = spawnSync(this.binary, args, { input: input || Buffer.alloc(0), env: { ...this.env, ...envAdd }, timeout: SEND_TIMEOUT_MS, maxBuffer: 64 << 20 });
    return {
      argv: [this.binary, ...args],
      env: envAdd,
      rc: p.error ? -1 : p.status ?? -1,
      stdout: p.stdout ? p.stdout.toString('utf8') : '',
      stderr: (p.stderr ? p.stderr.toString('utf8') : '') + (p.error ? String(p.error) : ''),
      stdinBody: input != null,
    };
  }

  // asynchronous: the recording server lives in this process and must keep answering
  runAsync(args, envAdd = {}) {
    return new Promise((resolve) => {
      const p = spawn(this.binary, args, { env: { ...this.env, ...envAdd }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      const err = [];
      let extra = '';
      const timer = setTimeout(() => {
        extra = `\n(killed after ${SEND_TIMEOUT_MS} ms)`;
        p.kill('SIGKILL');
      }, SEND_TIMEOUT_MS);
      p.stdout.on('data', (c) => out.push(c));
      p.stderr.on('data', (c) => err.push(c));
      p.on('error', (e) => {
        extra += String(e);
      });
      p.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          argv: [this.binary, ...args],
          env: envAdd,
          rc: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8') + extra,
          stdinBody: false,
        });
      });
    });
  }

  keygen(provider) {
    const run = this.runSync(['keygen', '--scheme', provider, '--json']);
    let doc = null;
    try {
      doc = run.rc === 0 ? JSON.parse(run.stdout) : null;
    } catch {
      doc = null;
    }
    const ok = doc && typeof doc.secret === 'string' && doc.secret.length > 0;
    this.res.record(!!ok, provider, 'setup', `hookcat keygen --scheme ${provider} --json gives a secret`, { got: run.stdout.slice(0, 300), run });
    return ok ? doc.secret : null;
  }

  events(provider) {
    const run = this.runSync(['events', 'list', '--provider', provider, '--json']);
    let evs = null;
    try {
      evs = run.rc === 0 ? JSON.parse(run.stdout) : null;
    } catch {
      evs = null;
    }
    const ok = Array.isArray(evs) && evs.length > 0 && evs.every((e) => e.provider === provider);
    this.res.record(ok, provider, 'setup', `hookcat events list --provider ${provider} --json lists its events`, { got: run.stdout.slice(0, 300), run });
    return ok ? evs : [];
  }

  send(url, event, secret, extra = []) {
    return this.runAsync(['send', url, '--event', event, '--secret-env', 'E2E_SECRET', '--no-input', ...extra], { E2E_SECRET: secret });
  }

  judgeFn(j) {
    return async (rec, req) => {
      rec.verdicts.accept = await j.lib(rec.body, rec.headers, req);
      const ct = String(rec.headers['content-type'] || '').toLowerCase();
      rec.tampered = tamper(rec.body, this.rng, ct.includes('json'));
      rec.verdicts.tampered = await j.lib(rec.tampered, rec.headers, req);
    };
  }

  checkJudged(provider, part, event, r, j, run, tag = '') {
    const recs = [r];
    if (r.judgeError) {
      this.res.record(false, provider, part, `TEST BUG: the judge crashed${tag}`, { event, note: r.judgeError, recs, run });
      return;
    }
    const [ok, note] = r.verdicts.accept;
    this.res.record(ok, provider, part, `the library accepts the received request${tag}`, { event, secret: j.secret, recs, libNote: note, run });
    const [ok2, note2] = r.verdicts.tampered;
    this.res.record(!ok2, provider, part, `the library refuses the received request with one body byte changed${tag}`, {
      event, secret: j.secret, recs, body: r.tampered, libNote: note2, run,
    });
  }

  coreVerify(provider, part, event, r, j) {
    const args = ['verify', '--scheme', provider, '--secret-env', 'E2E_SECRET'];
    for (const [k, v] of r.rawHeaders) args.push('-H', `${k}: ${v}`);
    args.push('-');
    const run = this.runSync(args, { E2E_SECRET: j.secret }, r.body);
    this.res.record(run.rc === 0, provider, part, 'hookcat verify accepts the request hookcat sent', {
      event, expected: 'exit 0', got: `exit ${run.rc}`, secret: j.secret, recs: [r], run,
    });
  }

  async partSend(provider, j, events, contentType) {
    const rec = this.recorder;
    for (const event of events) {
      const url = rec.base() + '/hook';
      rec.reset(this.judgeFn(j));
      const run = await this.send(url, event, j.secret);
      const got = rec.take();
      this.res.record(run.rc === 0, provider, 'send', 'hookcat send exits 0', { event, expected: 'exit 0', got: `exit ${run.rc}`, recs: got, run });
      if (got.length !== 1) {
        this.res.record(false, provider, 'send', 'exactly one request arrives', { event, expected: 1, got: got.length, recs: got, run });
        if (!got.length) continue;
      }
      const r = got[0];
      const ct = String(r.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
      const want = String(contentType[event] || '').toLowerCase();
      this.res.record(r.method === 'POST' && r.path === '/hook' && ct === want, provider, 'send', "POST to the path given, with the catalog's Content-Type", {
        event, expected: `POST /hook ${want}`, got: `${r.method} ${r.path} ${ct}`, recs: [r], run,
      });
      this.checkJudged(provider, 'send', event, r, j, run);
      this.coreVerify(provider, 'send', event, r, j);
    }
  }

  async partRetries(provider, j, event) {
    const rec = this.recorder;
    const url = rec.base() + '/retry';
    rec.reset(this.judgeFn(j), (n) => (n === 0 ? [503, { 'Retry-After': '1' }] : [200, {}]));
    const run = await this.send(url, event, j.secret, ['--retries', '2']);
    const got = rec.take();
    this.res.record(run.rc === 0, provider, 'retries', 'hookcat send --retries 2 exits 0 after 503 then 200', { event, expected: 'exit 0', got: `exit ${run.rc}`, recs: got, run });
    if (!this.res.record(got.length === 2, provider, 'retries', 'two attempts arrive (503, then 200)', { event, expected: 2, got: got.length, recs: got, run })) {
      if (got.length < 2) {
        got.forEach((r, i) => this.checkJudged(provider, 'retries', event, r, j, run, ` (attempt ${i + 1})`));
        return;
      }
    }
    const [a, b] = got;
    [a, b].forEach((r, i) => this.checkJudged(provider, 'retries', event, r, j, run, ` (attempt ${i + 1}, judged on arrival)`));
    const gap = (b.t - a.t) / 1000;
    this.res.record(gap >= 0.9, provider, 'retries', 'the second attempt waits for Retry-After: 1', { event, expected: '>= 1 s between attempts', got: `${gap.toFixed(3)} s`, recs: [a, b], run });
    if (provider !== 'linear') {
      // linear's body carries webhookTimestamp, which a re-signed attempt may renew
      this.res.record(a.body.equals(b.body), provider, 'retries', 'both attempts carry the same body bytes', { event, recs: [a, b], run });
    }
  }

  async run() {
    this.recorder = new Recorder();
    await this.recorder.listen();
    const providers = PROVIDERS.filter((p) => !this.args.only || this.args.only.includes(p));
    try {
      for (const provider of providers) {
        const t0 = Date.now();
        const secret = this.keygen(provider);
        const evs = this.events(provider);
        if (!secret || !evs.length) continue;
        const ct = Object.fromEntries(evs.map((e) => [e.name, e.content_type || '']));
        const j = new JUDGES[provider](secret, this.rng);
        await this.partSend(provider, j, evs.map((e) => e.name), ct);
        await this.partRetries(provider, j, evs[0].name);
        const [ok, bad] = this.res.by[provider] || [0, 0];
        console.log(`  ${provider.padEnd(18)} ${String(ok).padStart(4)} ok ${String(bad).padStart(4)} failed   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
    } finally {
      await this.recorder.close();
    }
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const seed = args.seed ?? randomInt(2 ** 32 - 1);
  console.log(`e2e.mjs: seed ${seed} (INTEROP_SEED=${seed} to repeat)`);
  const rng = makeRng(seed);
  const res = new Results();
  const t0 = Date.now();
  let ok = true;
  try {
    fs.accessSync(args.binary, fs.constants.X_OK);
  } catch {
    console.log(`e2e.mjs: hookcat binary not found or not executable: ${args.binary}`);
    res.failed++;
    ok = false;
  }
  if (ok) {
    try {
      await new E2E(args, rng, res, path.resolve(args.binary)).run();
    } catch (e) {
      console.log(e && e.stack ? e.stack : String(e));
      res.failed++;
    }
  }
  console.log(`e2e.mjs: ${res.passed} checks passed, ${res.failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (args.resultFile) fs.writeFileSync(args.resultFile, JSON.stringify({ passed: res.passed, failed: res.failed }));
  process.exitCode = res.failed ? 1 : 0;
}

await main();
