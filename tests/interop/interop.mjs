#!/usr/bin/env node
// hookcat interop suite, Node side: github, shopify and linear, whose official SDKs
// are npm packages (the Python side, interop.py, has the other schemes).
//
// For each scheme, on random cases:
//   sign:   hookcat signs -> the official library accepts; one body byte changed -> refuses.
//   verify: the library signs (or, where the SDK has no signer, the SDK's documented
//           algorithm computed with node:crypto; each such place says so) ->
//           `hookcat verify` exits 0; the tampered body -> exits 1.
//   edge:   hand-made inputs where the library's verdict is the oracle.
//   vector: the published GitHub vector through octokit and hookcat.
//   keygen: a secret from `hookcat keygen` used by both sides.
//
// Usage: node interop.mjs [--binary PATH] [--cases N] [--seed N] [--only a,b]
//                         [--selfcheck] [--result-file PATH]
// Failing checks are printed with what is needed to reproduce them; the body and a
// shell command line are saved under target/interop/failures/node/.

import '@shopify/shopify-api/adapters/node';
import { shopifyApi, ApiVersion, LogSeverity } from '@shopify/shopify-api';
import { createSHA256HMAC } from '@shopify/shopify-api/runtime';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { spawnSync } from 'node:child_process';
import { createHmac, createHash, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(path.dirname(HERE));

// ------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const a = {
    binary: path.join(ROOT, 'target', 'debug', 'hookcat'),
    cases: Number(process.env.INTEROP_CASES || 25),
    seed: process.env.INTEROP_SEED ? Number(process.env.INTEROP_SEED) : null,
    only: null,
    selfcheck: false,
    resultFile: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--binary') a.binary = argv[++i];
    else if (k === '--cases') a.cases = Number(argv[++i]);
    else if (k === '--seed') a.seed = Number(argv[++i]);
    else if (k === '--only') a.only = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
    else if (k === '--selfcheck') a.selfcheck = true;
    else if (k === '--result-file') a.resultFile = argv[++i];
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

// ------------------------------------------------------------------ seeded random (mulberry32)

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
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    choice: (arr) => arr[Math.floor(next() * arr.length)],
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

// ------------------------------------------------------------------ random data

const ASCII = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;:!?\'"-_/\\{}[]()<>@#$%^&*+=|~`'];
const LATIN = [...'éèàüößñçÅØæœ¿¡°±µ'];
const BMP = [...'中文字€™—“”‘’•…Ωπ∑√∞≠≤≥あいうアイウ한국어ไทย\u00a0\u200b\ufeff\u2028'];
const ASTRAL = [...'😀🎉🚀👍🏽𝄞🀄𐍈🧪🦀𝔘𝔫𝔦𝔠𝔬𝔡𝔢🇫🇷']; // spread splits by code point
const SPECIAL = ['\n', '\r\n', '\r', '\t', '\\', '"', '&', '=', '+', '%', '#', '?', '/', '\x00', '\x7f'];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function randText(rng, n, specials = true) {
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = rng.random();
    if (r < 0.55) out += rng.choice(ASCII);
    else if (r < 0.65) out += rng.choice(LATIN);
    else if (r < 0.75) out += rng.choice(BMP);
    else if (r < 0.87) out += rng.choice(ASTRAL);
    else if (specials) out += rng.choice(SPECIAL);
    else out += rng.choice([...'abcdefghijklmnopqrstuvwxyz']);
  }
  return out;
}

function randWord(rng, n, alphabet = ALNUM) {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng.random() * alphabet.length)];
  return s;
}

function randJsonValue(rng, depth = 0) {
  const r = rng.random();
  if (depth > 2 || r < 0.35) return randText(rng, rng.int(0, 24), rng.random() < 0.7);
  if (r < 0.5) return rng.random() < 0.5 ? rng.int(-1e6, 1e12) : Math.round(rng.random() * 2e6 - 1e6) / 1000;
  if (r < 0.6) return rng.choice([true, false, null]);
  if (r < 0.8) return Array.from({ length: rng.int(0, 4) }, () => randJsonValue(rng, depth + 1));
  const o = {};
  for (let i = rng.int(0, 4); i > 0; i--) o[randText(rng, rng.int(1, 8), false)] = randJsonValue(rng, depth + 1);
  return o;
}

function asciiEscape(s) {
  return s.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function dumpJson(rng, obj) {
  const style = rng.int(0, 4);
  let s;
  if (style === 0) s = JSON.stringify(obj);
  else if (style === 1) s = JSON.stringify(obj, null, 2);
  else if (style === 2) s = JSON.stringify(obj, null, 2).replace(/\n/g, '\r\n') + '\r\n';
  else if (style === 3) s = JSON.stringify(obj, null, '\t') + '\n';
  else s = JSON.stringify(obj).replace(/,"/g, ', "').replace(/":/g, '": ');
  return rng.random() < 0.3 ? asciiEscape(s) : s;
}

function randJsonObject(rng, base = {}) {
  const o = { id: rng.int(1, 1e9), ...base };
  for (let i = rng.int(1, 6); i > 0; i--) o[randText(rng, rng.int(1, 10), false)] = randJsonValue(rng);
  const entries = Object.entries(o);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  return Object.fromEntries(entries);
}

function bigText(rng, size = 1 << 20) {
  const chunk = randText(rng, 4096);
  let s = chunk.repeat(Math.ceil(size / Buffer.byteLength(chunk)) + 1);
  const cps = [...s];
  let b = Buffer.byteLength(s);
  while (b > size) {
    const c = cps.pop();
    b -= Buffer.byteLength(c);
  }
  return cps.join('');
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
  if (pos.length === 0) {
    for (let i = 0; i < b.length; i++) {
      const cont = (x) => x >= 0x80 && x <= 0xbf;
      if (cont(b[i]) && (i + 1 === b.length || !cont(b[i + 1]))) pos.push(i);
    }
    if (pos.length === 0) return Buffer.concat([b, Buffer.from('x')]);
    const i = rng.choice(pos);
    b[i] = 0x80 + ((b[i] - 0x80 + rng.int(1, 63)) % 64);
    return b;
  }
  const i = rng.choice(pos);
  const c = String.fromCharCode(b[i]);
  let set;
  if (/[0-9]/.test(c)) set = json ? '123456789' : '0123456789';
  else if (/[a-z]/.test(c)) set = 'abcdefghijklmnopqrstuvwxyz';
  else set = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const opts = [...set].filter((x) => x !== c);
  b[i] = rng.choice(opts).charCodeAt(0);
  return b;
}

function shortRepr(buf, limit = 600) {
  if (buf == null) return 'null';
  const s = JSON.stringify(buf.toString('utf8'));
  if (buf.length <= limit) return s;
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

const nowS = () => Math.floor(Date.now() / 1000);

// ------------------------------------------------------------------ hookcat runner

class Hookcat {
  constructor(binary, workdir, rng) {
    this.binary = binary;
    this.workdir = workdir;
    this.rng = rng;
    this.n = 0;
    this.baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOOKCAT')));
    this.baseEnv.NO_COLOR = '1';
  }

  tmp(name, data) {
    const p = path.join(this.workdir, `${String(++this.n).padStart(5, '0')}-${name}`);
    fs.writeFileSync(p, data);
    return p;
  }

  secretArgs(secret, mode) {
    if (!mode) {
      const r = this.rng.random();
      mode = r < 0.7 ? 'env' : r < 0.85 ? 'file' : 'arg';
    }
    if (mode === 'file' && (secret !== secret.trim() || secret.includes('\n'))) mode = 'env';
    if (mode === 'env') {
      const v = 'IOP_SECRET_' + randWord(this.rng, 6, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      return [['--secret-env', v], { [v]: secret }];
    }
    // hookcat sign --help: "one trailing newline is stripped", as editors add one
    if (mode === 'file') return [['--secret-file', this.tmp('secret', Buffer.from(secret + (this.rng.random() < 0.5 ? '\n' : '')))], {}];
    return [secret.startsWith('-') ? [`--secret=${secret}`] : ['--secret', secret], {}];
  }

  run(args, body, envAdd, bodyMode) {
    if (!bodyMode) {
      const r = this.rng.random();
      bodyMode = r < 0.4 ? 'file' : r < 0.7 ? 'dash' : 'stdin';
    }
    let input = Buffer.alloc(0);
    if (bodyMode === 'file') args = [...args, this.tmp('body', body)];
    else if (bodyMode === 'dash') {
      args = [...args, '-'];
      input = body;
    } else input = body;
    const p = spawnSync(this.binary, args, { input, env: { ...this.baseEnv, ...envAdd }, timeout: 60000, maxBuffer: 64 << 20 });
    return {
      argv: [this.binary, ...args],
      env: envAdd,
      rc: p.error ? -1 : p.status ?? -1,
      stdout: p.stdout ? p.stdout.toString('utf8') : '',
      stderr: (p.stderr ? p.stderr.toString('utf8') : '') + (p.error ? String(p.error) : ''),
      bodyMode,
    };
  }

  sign(scheme, secret, body, { timestamp, id, url, json } = {}) {
    const [sargs, env] = this.secretArgs(secret);
    const args = ['sign', '--scheme', scheme, ...sargs];
    if (timestamp != null) args.push('--timestamp', String(timestamp));
    if (id != null) args.push('--id', id);
    if (url != null) args.push('--url', url);
    if (json == null) json = this.rng.random() < 0.3;
    if (json) args.push('--json');
    const res = this.run(args, body, env);
    res.headers = {};
    res.parseError = null;
    if (res.rc === 0) {
      try {
        if (json) {
          const doc = JSON.parse(res.stdout);
          res.headers = { ...doc.headers };
          if (doc.scheme !== scheme) res.parseError = `--json scheme is ${JSON.stringify(doc.scheme)}, expected ${scheme}`;
        } else {
          for (const line of res.stdout.split(/\r?\n/)) {
            if (!line.trim()) continue;
            const i = line.indexOf(': ');
            if (i < 0) throw new Error(`not a 'Name: value' line: ${JSON.stringify(line)}`);
            res.headers[line.slice(0, i)] = line.slice(i + 2);
          }
        }
      } catch (e) {
        res.parseError = String(e);
      }
    }
    return res;
  }

  verify(scheme, secret, body, headers, { url, now, tolerance } = {}) {
    const [sargs, env] = this.secretArgs(secret);
    const args = ['verify', '--scheme', scheme, ...sargs];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    if (url != null) args.push('--url', url);
    if (now != null) args.push('--now', String(now));
    if (tolerance != null) args.push('--tolerance', String(tolerance));
    return this.run(args, body, env);
  }

  keygen(scheme) {
    const res = this.run(['keygen', '--scheme', scheme, '--json'], Buffer.alloc(0), {}, 'stdin');
    try {
      res.doc = res.rc === 0 ? JSON.parse(res.stdout) : null;
    } catch (e) {
      res.doc = null;
      res.parseError = String(e);
    }
    return res;
  }
}

// ------------------------------------------------------------------ results

class Results {
  constructor(failuresDir) {
    this.passed = 0;
    this.failed = 0;
    this.byScheme = {};
    this.failuresDir = failuresDir;
  }

  record(ok, scheme, direction, check, d = {}) {
    const s = (this.byScheme[scheme] ??= [0, 0]);
    if (ok) {
      this.passed++;
      s[0]++;
      return true;
    }
    this.failed++;
    s[1]++;
    const lines = [`FAIL [${scheme}] ${direction}: ${check}`];
    for (const k of ['note', 'expected', 'got']) if (k in d) lines.push(`    ${k}: ${d[k]}`);
    if ('body' in d) lines.push(`    body: ${shortRepr(d.body)}`);
    if ('secret' in d) lines.push(`    secret: ${JSON.stringify(d.secret)}`);
    for (const k of ['url', 'timestamp', 'id']) if (d[k] != null) lines.push(`    ${k}: ${JSON.stringify(d[k])}`);
    if ('headers' in d) lines.push(`    headers: ${JSON.stringify(d.headers)}`);
    if (d.libNote) lines.push(`    library said: ${d.libNote}`);
    if (d.run) {
      const r = d.run;
      const envs = Object.entries(r.env).map(([k, v]) => `${k}=${shq(v)} `).join('');
      lines.push(`    hookcat: ${envs}${r.argv.map(shq).join(' ')}${r.bodyMode !== 'file' ? '  < body' : ''}   (exit ${r.rc})`);
      if (r.stdout.trim()) lines.push(`    stdout: ${JSON.stringify(r.stdout.trim().slice(0, 800))}`);
      if (r.stderr.trim()) lines.push(`    stderr: ${JSON.stringify(r.stderr.trim().slice(0, 800))}`);
      if (r.parseError) lines.push(`    parse error: ${r.parseError}`);
      const saved = this.save(scheme, d.runBody, r);
      if (saved) lines.push(`    repro: sh ${saved}`);
    }
    console.log(lines.join('\n'));
    return false;
  }

  save(scheme, body, r) {
    if (!body) body = Buffer.alloc(0);
    try {
      const dir = path.join(this.failuresDir, `${String(this.failed).padStart(3, '0')}-${scheme}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'body'), body);
      const argv = [...r.argv];
      if (r.bodyMode === 'file') argv[argv.length - 1] = path.join(dir, 'body');
      const si = argv.indexOf('--secret-file');
      if (si >= 0 && fs.existsSync(argv[si + 1])) {
        fs.copyFileSync(argv[si + 1], path.join(dir, 'secret'));
        argv[si + 1] = path.join(dir, 'secret');
      }
      const envs = Object.entries(r.env).map(([k, v]) => `${k}=${shq(v)} `).join('');
      const cmd = `${envs}${argv.map(shq).join(' ')}${r.bodyMode !== 'file' ? ' < ' + shq(path.join(dir, 'body')) : ''}`;
      fs.writeFileSync(path.join(dir, 'cmd.sh'), `# exit code seen: ${r.rc}\n${cmd}\necho "exit $?"\n`);
      return path.join(dir, 'cmd.sh');
    } catch {
      return null;
    }
  }
}

async function libCall(fn) {
  try {
    const v = await fn();
    return [v === true || (v && v.valid === true), v && v.valid === false ? `valid:false reason=${v.reason}` : ''];
  } catch (e) {
    return [false, `${e.name}: ${e.message}`];
  }
}

// ------------------------------------------------------------------ schemes

class GitHub {
  name = 'github';
  hookcat = 'github';
  // no "empty": octokit's sign() and verify() throw on an empty payload, so the library
  // cannot arbitrate it
  kinds = ['json', 'json', 'text'];
  constructor(rng) {
    this.rng = rng;
  }
  secret() {
    const r = this.rng.random();
    if (r < 0.5) return randWord(this.rng, this.rng.int(16, 40));
    if (r < 0.7) return '-' + randWord(this.rng, 20); // a leading dash: --secret-env keeps it safe
    // "any string, used as-is" (SIGNATURES.md §1): unicode, spaces, quotes
    return randText(this.rng, this.rng.int(8, 30), false).replace(/\x00/g, '') || 'x';
  }
  body(kind) {
    return genericBody(this.rng, kind);
  }
  ctx(kind) {
    return { kind };
  }
  async libVerify(body, headers, secret) {
    const sig = hget(headers, 'X-Hub-Signature-256');
    if (sig == null) return [false, 'no X-Hub-Signature-256 header'];
    // octokit takes the payload as a JS string and hashes it as UTF-8
    return libCall(() => octokitVerify(secret, body.toString('utf8'), sig));
  }
  async libSign(body, secret) {
    return { 'X-Hub-Signature-256': await octokitSign(secret, body.toString('utf8')) };
  }
  async edgeCases(secret) {
    const [b] = this.body('json');
    const h = await this.libSign(b, secret);
    const up = { 'X-Hub-Signature-256': 'sha256=' + h['X-Hub-Signature-256'].slice(7).toUpperCase() };
    return [
      // SIGNATURES.md, general rules: the libraries compare lowercase hex case-sensitively
      ['signature hex in upper case (octokit compares case-sensitively)', b, up, {}, false, {}],
      ['sha1= prefix with the sha256 hex', b, { 'X-Hub-Signature-256': 'sha1=' + h['X-Hub-Signature-256'].slice(7) }, {}, false, {}],
    ];
  }
}

class Shopify {
  name = 'shopify';
  hookcat = 'shopify';
  // no "empty": shopify.webhooks.validate answers missing_body for an empty body
  kinds = ['json', 'json', 'text'];
  constructor(rng) {
    this.rng = rng;
  }
  secret() {
    return this.rng.random() < 0.5 ? randWord(this.rng, 32, HEX) : 'shpss_' + randWord(this.rng, 32, HEX);
  }
  body(kind) {
    if (kind === 'json') {
      const o = randJsonObject(this.rng, { admin_graphql_api_id: `gid://shopify/Order/${this.rng.int(1, 1e9)}`, note: randText(this.rng, 12) });
      return [Buffer.from(dumpJson(this.rng, o)), 'json'];
    }
    return genericBody(this.rng, kind);
  }
  ctx(kind) {
    return { kind };
  }
  // the headers Shopify sends with every webhook and that validate() requires
  deliveryHeaders() {
    return {
      'X-Shopify-Topic': this.rng.choice(['orders/create', 'products/update', 'app/uninstalled']),
      'X-Shopify-Shop-Domain': `${randWord(this.rng, 8, 'abcdefghijklmnopqrstuvwxyz')}.myshopify.com`,
      'X-Shopify-API-Version': '2026-07',
      'X-Shopify-Webhook-Id': `${randWord(this.rng, 8, HEX)}-${randWord(this.rng, 4, HEX)}-${randWord(this.rng, 4, HEX)}`,
    };
  }
  async libVerify(body, headers, secret) {
    const shopify = shopifyApi({
      apiKey: 'interop-test-key',
      apiSecretKey: secret,
      scopes: [],
      hostName: 'localhost:3000',
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: false,
      logger: { level: LogSeverity.Error, log: async () => {} },
    });
    const all = { ...this.deliveryHeaders(), ...headers };
    const raw = {};
    for (const [k, v] of Object.entries(all)) raw[k.toLowerCase()] = v; // as node's IncomingMessage has them
    const rawRequest = { method: 'POST', url: '/webhooks', headers: raw };
    return libCall(() => shopify.webhooks.validate({ rawBody: body.toString('utf8'), rawRequest }));
  }
  async libSign(body, secret) {
    // the library's own HMAC helper, the one validate() uses
    return { 'X-Shopify-Hmac-Sha256': await createSHA256HMAC(secret, body.toString('utf8')) };
  }
  async edgeCases() {
    return [];
  }
}

class Linear {
  name = 'linear';
  hookcat = 'linear';
  kinds = ['json'];
  constructor(rng) {
    this.rng = rng;
  }
  secret() {
    return 'lin_wh_' + randWord(this.rng, this.rng.int(32, 48));
  }
  body(kind, tsMs = Date.now()) {
    const base = {
      action: this.rng.choice(['create', 'update', 'remove']),
      type: this.rng.choice(['Issue', 'Comment', 'Project']),
      createdAt: new Date().toISOString(),
      organizationId: randWord(this.rng, 8, HEX) + '-' + randWord(this.rng, 4, HEX),
      webhookTimestamp: tsMs,
      webhookId: randWord(this.rng, 8, HEX),
      data: { title: randText(this.rng, this.rng.int(0, 40)), description: randText(this.rng, this.rng.int(0, 80)) },
    };
    if (kind === 'big') base.data.description = bigText(this.rng);
    return [Buffer.from(dumpJson(this.rng, randJsonObject(this.rng, base))), 'json'];
  }
  ctx(kind) {
    return { kind };
  }
  async libVerify(body, headers) {
    const sig = hget(headers, 'Linear-Signature');
    if (sig == null) return [false, 'no Linear-Signature header'];
    return libCall(() => new LinearWebhookClient(this._secret).verify(body, sig));
  }
  async libSign(body, secret) {
    // @linear/sdk has no signer: this is its documented algorithm (what
    // LinearWebhookClient.verify recomputes): HMAC-SHA256(secret, raw body), lowercase hex.
    return { 'Linear-Signature': createHmac('sha256', secret).update(body).digest('hex') };
  }
  async edgeCases(secret) {
    const out = [];
    for (const [name, off, exp] of [
      ['webhookTimestamp 120 s old (SDK allows 60 s)', -120000, false],
      ['webhookTimestamp 120 s ahead', 120000, false],
      ['webhookTimestamp 20 s old', -20000, true],
    ]) {
      const [b] = this.body('json', Date.now() + off);
      out.push([name, b, await this.libSign(b, secret), {}, exp, {}]);
    }
    const [bs] = this.body('json', nowS()); // seconds, not milliseconds
    out.push(['webhookTimestamp in seconds instead of milliseconds', bs, await this.libSign(bs, secret), {}, false, {}]);
    const obj = { action: 'create', type: 'Issue', id: 7, data: { title: 'no timestamp' } };
    const bn = Buffer.from(JSON.stringify(obj));
    out.push(['body without webhookTimestamp', bn, await this.libSign(bn, secret), {}, false, {}]);
    const bstr = Buffer.from(JSON.stringify({ ...obj, webhookTimestamp: String(Date.now()) }));
    out.push(['webhookTimestamp as a string (the SDK requires a number)', bstr, await this.libSign(bstr, secret), {}, false, {}]);
    // --now pins hookcat's clock: a body 10 minutes old verified "at" its own time
    const old = Date.now() - 600000;
    const [bo] = this.body('json', old);
    out.push(['--now pinned to an old webhookTimestamp', bo, await this.libSign(bo, secret), { libNow: old }, true, { now: Math.floor(old / 1000) + 1 }]);
    const [b2] = this.body('json');
    const h2 = await this.libSign(b2, secret);
    out.push(['signature hex in upper case (the SDK compares case-sensitively)', b2, { 'Linear-Signature': h2['Linear-Signature'].toUpperCase() }, {}, false, {}]);
    return out;
  }
}

function genericBody(rng, kind) {
  if (kind === 'json') return [Buffer.from(dumpJson(rng, randJsonObject(rng))), 'json'];
  if (kind === 'text') return [Buffer.from(randText(rng, rng.int(1, 200))), 'text'];
  if (kind === 'empty') return [Buffer.alloc(0), 'empty'];
  if (kind === 'big') return [Buffer.from(dumpJson(rng, randJsonObject(rng, { blob: bigText(rng) }))), 'json'];
  throw new Error(kind);
}

const SCHEMES = { github: GitHub, shopify: Shopify, linear: Linear };
const AUTO_OK = new Set(['github', 'shopify', 'linear']);

// ------------------------------------------------------------------ suite

class Suite {
  constructor(args, rng, res, hc) {
    Object.assign(this, { args, rng, res, hc });
  }

  async libVerify(sch, body, headers, secret, ctx = {}) {
    sch._secret = secret; // Linear's verifier is constructed with the secret
    if (ctx.libNow != null) {
      // the library's clock pinned (Linear checks webhookTimestamp against Date.now())
      const real = Date.now;
      Date.now = () => ctx.libNow;
      try {
        return await sch.libVerify(body, headers, secret, ctx);
      } finally {
        Date.now = real;
      }
    }
    return sch.libVerify(body, headers, secret, ctx);
  }

  async selfcheck(sch, n) {
    for (let i = 0; i < n; i++) {
      const secret = sch.secret();
      const [body, kind] = sch.body(sch.kinds[i % sch.kinds.length]);
      const h = await sch.libSign(body, secret);
      const [ok, note] = await this.libVerify(sch, body, h, secret);
      this.res.record(ok, sch.name, 'selfcheck', 'library accepts its own signature', { body, secret, headers: h, libNote: note });
      const tb = tamper(body, this.rng, kind === 'json');
      const [ok2, note2] = await this.libVerify(sch, tb, h, secret);
      this.res.record(!ok2, sch.name, 'selfcheck', 'library refuses a tampered body', { body: tb, secret, headers: h, libNote: note2 });
    }
  }

  githubVector() {
    // SIGNATURES.md §1 / vectors/published.json
    return { secret: "It's a Secret to Everybody", body: Buffer.from('Hello, World!'), headers: { 'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' } };
  }

  async vectors(hookcatToo) {
    if (this.args.only && !this.args.only.includes('github')) return;
    const v = this.githubVector();
    const sch = new GitHub(this.rng);
    const [ok, note] = await this.libVerify(sch, v.body, v.headers, v.secret);
    this.res.record(ok, 'github', 'vector', 'octokit accepts the published GitHub vector', { ...v, libNote: note });
    if (!hookcatToo) return;
    const run = this.hc.verify('github', v.secret, v.body, v.headers);
    this.res.record(run.rc === 0, 'github', 'vector', 'hookcat verify accepts the published vector', { ...v, expected: 'exit 0', got: `exit ${run.rc}`, run, runBody: v.body });
    const s = this.hc.sign('github', v.secret, v.body, { json: false });
    const got = hget(s.headers, 'X-Hub-Signature-256');
    this.res.record(got === v.headers['X-Hub-Signature-256'], 'github', 'vector', 'hookcat sign reproduces X-Hub-Signature-256', { ...v, expected: v.headers['X-Hub-Signature-256'], got, run: s, runBody: v.body });
  }

  async caseSign(sch, secret, body, kind, tag = '') {
    const direction = 'hookcat signs -> library verifies' + tag;
    const run = this.hc.sign(sch.hookcat, secret, body);
    const d = { body, secret, run, runBody: body };
    if (run.rc !== 0 || run.parseError) {
      this.res.record(false, sch.name, direction, 'hookcat sign failed', { ...d, expected: 'exit 0 with headers', got: `exit ${run.rc}` });
      return;
    }
    d.headers = run.headers;
    const [ok, note] = await this.libVerify(sch, body, run.headers, secret);
    this.res.record(ok, sch.name, direction, "library accepts hookcat's signature", { ...d, libNote: note });
    const tb = tamper(body, this.rng, kind === 'json');
    const [ok2, note2] = await this.libVerify(sch, tb, run.headers, secret);
    this.res.record(!ok2, sch.name, direction, "library refuses hookcat's signature over a body with one byte changed", { ...d, body: tb, libNote: note2 });
  }

  async caseVerify(sch, secret, body, kind, tag = '') {
    const direction = 'library signs -> hookcat verifies' + tag;
    let headers = await sch.libSign(body, secret);
    const [ok, note] = await this.libVerify(sch, body, headers, secret);
    if (!ok) {
      this.res.record(false, sch.name, direction, 'TEST BUG: library refuses its own signature', { body, secret, headers, libNote: note });
      return;
    }
    if (this.rng.random() < 0.25) {
      headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [this.rng.random() < 0.5 ? k.toLowerCase() : k.toUpperCase(), v]));
    }
    const scheme = AUTO_OK.has(sch.name) && this.rng.random() < 0.12 ? 'auto' : sch.hookcat;
    const run = this.hc.verify(scheme, secret, body, headers);
    this.res.record(run.rc === 0, sch.name, direction, `hookcat verify --scheme ${scheme} accepts the library's signature`, { body, secret, headers, expected: 'exit 0', got: `exit ${run.rc}`, run, runBody: body });
    const tb = tamper(body, this.rng, kind === 'json');
    const [ok2] = await this.libVerify(sch, tb, headers, secret);
    if (ok2) {
      this.res.record(false, sch.name, direction, 'TEST BUG: library accepts the tampered body', { body: tb, secret, headers });
      return;
    }
    const run2 = this.hc.verify(scheme, secret, tb, headers);
    this.res.record(run2.rc === 1, sch.name, direction, `hookcat verify --scheme ${scheme} refuses a body with one byte changed`, { body: tb, secret, headers, expected: 'exit 1', got: `exit ${run2.rc}`, run: run2, runBody: tb });
  }

  async caseEdges(sch) {
    const secret = sch.secret();
    for (const [name, body, headers, ctx, expected, kw] of await sch.edgeCases(secret)) {
      const [ok, note] = await this.libVerify(sch, body, headers, secret, ctx);
      if (ok !== expected) {
        this.res.record(false, sch.name, 'edge', `TEST BUG: library verdict ${ok} for '${name}', test expects ${expected}`, { body, secret, headers, libNote: note });
        continue;
      }
      const run = this.hc.verify(sch.hookcat, secret, body, headers, kw);
      const want = expected ? 0 : 1;
      this.res.record(run.rc === want, sch.name, 'edge (library verdict is the oracle)', name, { body, secret, headers, expected: `exit ${want}`, got: `exit ${run.rc}`, run, runBody: body });
    }
  }

  async caseKeygen(sch) {
    const run = this.hc.keygen(sch.hookcat);
    const secret = run.doc && typeof run.doc.secret === 'string' ? run.doc.secret : null;
    this.res.record(secret != null && secret.length >= 16, sch.name, 'keygen', 'keygen --json gives a secret', { got: run.stdout.slice(0, 300), run, runBody: Buffer.alloc(0) });
    if (secret) {
      const [body, kind] = sch.body(sch.kinds[0]);
      await this.caseSign(sch, secret, body, kind, ' (keygen secret)');
      await this.caseVerify(sch, secret, body, kind, ' (keygen secret)');
    }
  }

  async run() {
    const names = Object.keys(SCHEMES).filter((n) => !this.args.only || this.args.only.includes(n));
    for (const n of names) await this.selfcheck(new SCHEMES[n](this.rng), 5);
    await this.vectors(!this.args.selfcheck);
    if (this.args.selfcheck) return;
    for (const n of names) {
      const sch = new SCHEMES[n](this.rng);
      const t0 = Date.now();
      const N = this.args.cases;
      const bigAt = Math.floor(this.rng.random() * N);
      for (let i = 0; i < N; i++) {
        const kind = i === bigAt ? 'big' : sch.kinds[i % sch.kinds.length];
        const secret = sch.secret();
        const [body, k] = sch.body(kind);
        await this.caseSign(sch, secret, body, k);
        const [body2, k2] = kind === 'big' ? [body, k] : sch.body(kind);
        await this.caseVerify(sch, this.rng.random() < 0.5 ? secret : sch.secret(), body2, k2);
      }
      await this.caseEdges(sch);
      await this.caseKeygen(sch);
      const [ok, bad] = this.res.byScheme[n] || [0, 0];
      console.log(`  ${n.padEnd(18)} ${String(ok).padStart(4)} ok ${String(bad).padStart(4)} failed   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const seed = args.seed ?? randomInt(2 ** 32 - 1);
  console.log(`interop.mjs: seed ${seed} (INTEROP_SEED=${seed} to repeat), ${args.cases} cases per scheme`);
  const rng = makeRng(seed);
  const failuresDir = path.join(ROOT, 'target', 'interop', 'failures', 'node');
  fs.rmSync(failuresDir, { recursive: true, force: true });
  const res = new Results(failuresDir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookcat-interop-'));
  try {
    let hc = null;
    if (!args.selfcheck) {
      try {
        fs.accessSync(args.binary, fs.constants.X_OK);
        hc = new Hookcat(path.resolve(args.binary), work, rng);
      } catch {
        console.log(`interop.mjs: hookcat binary not found or not executable: ${args.binary}`);
        res.failed++;
      }
    }
    if (args.selfcheck || hc) {
      try {
        await new Suite(args, rng, res, hc).run();
      } catch (e) {
        console.log(e && e.stack ? e.stack : String(e));
        res.failed++;
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`interop.mjs: ${res.passed} checks passed, ${res.failed} failed`);
  if (args.resultFile) fs.writeFileSync(args.resultFile, JSON.stringify({ passed: res.passed, failed: res.failed }));
  process.exitCode = res.failed ? 1 : 0;
}

await main();
