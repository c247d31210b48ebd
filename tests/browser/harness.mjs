// Shared by the browser tests in this folder: the real server (`baken serve --demo`) on a free port
// with the demo accounts it prints, Debian's Chromium, browser contexts with and without JavaScript,
// and logging in (with TOTP where the account has it).
//
// Environment:
//   BAKEN_BIN              server binary (default: <repo>/target/debug/baken, or $CARGO_TARGET_DIR/debug/baken)
//   BAKEN_CHROMIUM         browser binary (default: /usr/bin/chromium; Debian package `chromium`)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { startPdok } from './pdok.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');

export const CHROMIUM = process.env.BAKEN_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SESSION_COOKIE = '__Host-baken_session';
const HEALTH_TIMEOUT_MS = 60_000;

export const MODES = {
  js: { label: 'met JS, 1280px', javaScriptEnabled: true, viewport: { width: 1280, height: 800 } },
  nojs: { label: 'zonder JS, 320px', javaScriptEnabled: false, viewport: { width: 320, height: 640 } },
};

// ---------------------------------------------------------------------------------------------- TOTP

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`ongeldig base32-teken ${JSON.stringify(ch)} in TOTP-geheim`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA-1, 30 s step, 6 digits (or `digits`). */
export function totp(secretBase32, timeMs = Date.now(), { step = 30, digits = 6 } = {}) {
  const counter = Math.floor(timeMs / 1000 / step);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

// ---------------------------------------------------------------------------------------------- server

function resolveServerBinary() {
  const fromEnv = process.env.BAKEN_BIN;
  if (fromEnv) {
    if (path.isAbsolute(fromEnv)) return fromEnv;
    for (const base of [process.cwd(), REPO_ROOT, HERE]) {
      const candidate = path.resolve(base, fromEnv);
      if (fs.existsSync(candidate)) return candidate;
    }
    return path.resolve(REPO_ROOT, fromEnv);
  }
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, 'target');
  return path.join(targetDir, 'debug', 'baken');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// `  demo-account email=<email> role=<role-slug> password=<password> totp=<BASE32 secret or ->`
const DEMO_ACCOUNT_LINE = /^\s*demo-account email=(\S+) role=(\S+) password=(.+?) totp=(\S+)\s*$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export async function startServer() {
  const bin = resolveServerBinary();
  if (!fs.existsSync(bin)) {
    throw new Error(`server binary not found: ${bin}\nBuild it first (cargo build -p baken) or set BAKEN_BIN.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baken-axe-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // PDOK cannot be reached from the tests: a local stand-in serves the tiles and the geocoder.
  const pdok = await startPdok();
  const args = [
    'serve', '--demo', '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`,
    '--tile-url', pdok.tileUrl, '--tile-attribution', 'Kaartgegevens © Kadaster (testtegels)',
    '--geocoder-url', pdok.geocoderUrl,
  ];
  const child = spawn(bin, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const accounts = [];
  const log = [];
  const remember = (line) => {
    log.push(line);
    if (log.length > 300) log.shift();
  };
  let exit = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.on('error', (err) => {
    exit = { error: err };
    remember(`[spawn error] ${err.message}`);
  });

  let stdoutRest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (stdoutRest + chunk).split('\n');
    stdoutRest = lines.pop();
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '').replace(ANSI, '');
      remember(line);
      const m = DEMO_ACCOUNT_LINE.exec(line);
      if (m && !accounts.some((a) => a.email === m[1])) {
        accounts.push({ email: m[1], role: m[2], password: m[3], totp: m[4] === '-' ? null : m[4] });
      }
    }
  });
  let stderrRest = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const lines = (stderrRest + chunk).split('\n');
    stderrRest = lines.pop();
    for (const raw of lines) remember(`[stderr] ${raw.replace(ANSI, '')}`);
  });

  const killOnExit = () => {
    if (exit === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const server = {
    base,
    accounts,
    dataDir,
    pdok,
    recentOutput: () => log.slice(-60).join('\n'),
    async stop() {
      process.off('exit', killOnExit);
      if (exit === null) {
        child.kill('SIGTERM');
        const done = await Promise.race([exited, sleep(10_000, 'timeout')]);
        if (done === 'timeout' && exit === null) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      await pdok.stop();
    },
  };

  try {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let healthy = false;
    while (!healthy) {
      if (exit !== null) {
        throw new Error(`server stopped before it was healthy (${JSON.stringify(exit)})`);
      }
      if (Date.now() > deadline) throw new Error(`GET /healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        healthy = res.status === 200;
        await res.arrayBuffer();
      } catch {
        // not listening yet
      }
      if (!healthy) await sleep(250);
    }
    // The demo-account lines may come a moment after the listener is up: wait until they stop coming.
    const accountsDeadline = Date.now() + 10_000;
    let seen = -1;
    while (Date.now() < accountsDeadline && (accounts.length === 0 || accounts.length !== seen)) {
      seen = accounts.length;
      await sleep(500);
    }
    if (accounts.length === 0) throw new Error('the server printed no `  demo-account email=… role=… password=… totp=…` lines');
  } catch (err) {
    const output = server.recentOutput();
    await server.stop();
    err.message += `\n--- command: ${bin} ${args.join(' ')}\n--- last server output:\n${output}`;
    throw err;
  }
  return server;
}

// ---------------------------------------------------------------------------------------------- browser

export async function newContext(browser, mode, base, storageState) {
  return browser.newContext({
    baseURL: base,
    javaScriptEnabled: mode.javaScriptEnabled,
    viewport: mode.viewport,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    serviceWorkers: 'block',
    ...(storageState ? { storageState } : {}),
  });
}

/** Click a submit button and wait for the next document (POST, then redirect) to load. */
export async function submitAndWait(page, button) {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: 30_000,
  });
  await button.click();
  await navigated;
  await page.waitForLoadState('load');
}

export async function pageSummary(page) {
  const text = await page
    .locator('main')
    .first()
    .innerText({ timeout: 2_000 })
    .catch(() => page.locator('body').innerText({ timeout: 2_000 }).catch(() => ''));
  return text.replace(/\s+/g, ' ').trim().slice(0, 400);
}

export async function logIn(context, base, account) {
  const page = await context.newPage();
  try {
    await page.goto(new URL('/inloggen', base).href);
    await page.getByLabel('E-mailadres', { exact: true }).fill(account.email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(account.password);
    await submitAndWait(page, page.getByRole('button', { name: 'Inloggen', exact: true }));

    if (new URL(page.url()).pathname === '/inloggen/tweestaps') {
      assert.ok(account.totp, `${account.email}: server asks for a TOTP code, but printed totp=-`);
      // Do not start on a code that expires while we type it.
      const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
      if (secondsLeft < 4) await sleep(secondsLeft * 1000 + 250);
      await page.getByLabel('Verificatiecode', { exact: true }).fill(totp(account.totp));
      await submitAndWait(page, page.getByRole('button', { name: 'Bevestigen', exact: true }));
    }

    const where = new URL(page.url());
    assert.equal(
      where.pathname,
      '/',
      `${account.email}: after logging in expected "/", got ${where.pathname}${where.search} — page says: ${await pageSummary(page)}`,
    );
    const logout = await page.getByRole('button', { name: 'Uitloggen', exact: true }).count();
    assert.ok(logout > 0, `${account.email}: "/" after login has no button "Uitloggen" — page says: ${await pageSummary(page)}`);
  } finally {
    await page.close();
  }
}

export async function stillLoggedIn(page, base) {
  try {
    await page.goto(new URL('/', base).href, { waitUntil: 'load', timeout: 30_000 });
    return (await page.getByRole('button', { name: 'Uitloggen', exact: true }).count()) > 0;
  } catch {
    return false;
  }
}

// With JavaScript disabled, Chromium runs no timers or message events, but code evaluated by the test
// still runs and promise jobs still run. axe-core waits on setTimeout(…, 0) between rules, so make
// short timeouts promise jobs; long ones are only give-up timers for frames that never answer.
export function patchTimersForAxe() {
  window.setTimeout = (fn, ms, ...args) => {
    if (!(ms > 10) && typeof fn === 'function') Promise.resolve().then(() => fn(...args));
    return 1;
  };
  window.clearTimeout = () => {};
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
