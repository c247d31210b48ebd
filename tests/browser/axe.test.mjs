// Baken browser accessibility test (WCAG 2.1 AA), run with `node --test` in this folder.
//
// Starts the real server (`baken serve --demo`), logs in with every demo account it prints, crawls the
// pages each role can reach, with JavaScript (1280 px wide) and without JavaScript (320 px wide), and
// runs axe-core on every page. It also checks <html lang>, a non-empty and unique <title>, a skip link as
// the first focusable element (visible when focused), no horizontal scrolling at 320 px, and no CSP
// violations or script errors in the console. Fails with a readable list of everything it found.
//
// Environment:
//   BAKEN_BIN              server binary (default: <repo>/target/debug/baken, or $CARGO_TARGET_DIR/debug/baken)
//   BAKEN_CHROMIUM         browser binary (default: /usr/bin/chromium; Debian package `chromium`)
//   BAKEN_AXE_MAX_PAGES    pages per crawl (default 45)
//   BAKEN_AXE_MAX_PER_SHAPE  pages per URL shape, ids replaced by :id (default 2)
//   BAKEN_AXE_ROLES        only these demo roles, comma-separated (default: all; for a quick local run)
//   BAKEN_AXE_SEEDS        where logged-in crawls start, comma-separated paths (default: /)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

import {
  CHROMIUM,
  CHROMIUM_ARGS,
  MODES,
  SESSION_COOKIE,
  base32Decode,
  patchTimersForAxe,
  withTimeout,
  logIn,
  newContext,
  pageSummary,
  startServer,
  stillLoggedIn,
  totp,
} from './harness.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const MAX_PAGES = positiveInt(process.env.BAKEN_AXE_MAX_PAGES, 45);
const MAX_PER_SHAPE = positiveInt(process.env.BAKEN_AXE_MAX_PER_SHAPE, 2);
const ONLY_ROLES = (process.env.BAKEN_AXE_ROLES || '').split(',').map((r) => r.trim()).filter(Boolean);
const SEEDS = (process.env.BAKEN_AXE_SEEDS || '/').split(',').map((r) => r.trim()).filter(Boolean);
const AXE_TIMEOUT_MS = 60_000;
const SKIP_LINK_TARGETS = ['#main', '#inhoud'];

function positiveInt(value, fallback) {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------------------------- crawl

const FILE_EXTENSIONS = /\.(csv|pdf|json|geojson|xml|zip|xlsx|ods|ics|png|jpe?g|gif|svg|webp|txt)$/i;

function skipReason(url, origin, hasDownload) {
  if (url.origin !== origin) return 'extern';
  const p = url.pathname;
  if (p === '/uitloggen' || p.startsWith('/uitloggen/')) return 'uitloggen';
  if (p === '/api' || p.startsWith('/api/')) return 'api';
  if (p.startsWith('/static/')) return 'static';
  if (hasDownload) return 'download';
  if (FILE_EXTENSIONS.test(p)) return 'bestand';
  if (url.search && /export/i.test(url.search)) return 'export';
  return null;
}

function isIdLike(segment) {
  if (/^\d+$/.test(segment)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) return true;
  if (/^[0-9a-f]{12,}$/i.test(segment)) return true;
  return /\d/.test(segment) && /^[A-Za-z0-9_.~%-]{4,}$/.test(segment);
}

/** The route of a URL's path: id-like path segments become :id. */
function pathShapeOf(url) {
  return url.pathname
    .split('/')
    .map((s) => (isIdLike(s) ? ':id' : s))
    .join('/');
}

/** The route a URL belongs to, with its query keys (values dropped). */
function shapeOf(url) {
  const pathShape = pathShapeOf(url);
  const keys = [...new Set(url.searchParams.keys())].sort();
  return keys.length ? `${pathShape}?${keys.join('&')}` : pathShape;
}

function normalize(href) {
  const u = new URL(href);
  u.hash = '';
  return u.href;
}

function shortUrl(href) {
  const u = new URL(href);
  return `${u.pathname}${u.search}`;
}

// Runs in the page (also with JavaScript disabled: evaluate still works there).
function inspectPage(skipTargets) {
  const lang = document.documentElement.getAttribute('lang');
  const focusable = [
    'a[href]',
    'area[href]',
    'button',
    'input',
    'select',
    'textarea',
    'iframe',
    'summary',
    '[tabindex]',
    '[contenteditable=""]',
    '[contenteditable="true"]',
    'audio[controls]',
    'video[controls]',
  ].join(',');
  const tabbable = [...document.querySelectorAll(focusable)].filter((el) => {
    if (el.matches(':disabled')) return false;
    if (el.tagName === 'INPUT' && el.type === 'hidden') return false;
    if (el.tabIndex < 0) return false;
    if (el.closest('[inert]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    return el.getClientRects().length > 0;
  });
  const positive = tabbable.filter((el) => el.tabIndex > 0).sort((a, b) => a.tabIndex - b.tabIndex);
  const first = positive[0] ?? tabbable[0] ?? null;
  const skip = { ok: false, describe: 'no focusable element', visible: false, targetExists: false };
  if (first) {
    const href = first.tagName === 'A' ? first.getAttribute('href') : null;
    skip.describe = `<${first.tagName.toLowerCase()}${href !== null ? ` href="${href}"` : ''}> "${(first.textContent || first.getAttribute('aria-label') || first.getAttribute('name') || '').trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
    skip.ok = href !== null && skipTargets.includes(href);
    if (skip.ok) {
      skip.targetExists = document.getElementById(decodeURIComponent(href.slice(1))) !== null;
      const before = document.activeElement;
      first.focus();
      const r = first.getBoundingClientRect();
      skip.visible =
        document.activeElement === first &&
        r.width >= 10 &&
        r.height >= 10 &&
        r.bottom > 0 &&
        r.right > 0 &&
        r.top < window.innerHeight &&
        r.left < window.innerWidth;
      first.blur();
      if (before && before !== document.body && typeof before.focus === 'function') before.focus();
    }
  }
  const root = document.documentElement;
  return {
    lang,
    title: document.title,
    skip,
    positiveTabindex: positive.length,
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
  };
}

function collectLinks() {
  return [...document.querySelectorAll('a[href]')].map((a) => ({
    href: a.href,
    download: a.hasAttribute('download'),
  }));
}

/**
 * Breadth-first crawl from `seeds`; checks every HTML page. Returns { pages, problems, skipped }.
 * Each problem: { kind, rule?, impact?, help?, helpUrl?, url, mode, who, detail, nodes? }.
 */
async function crawl(context, base, { seeds, mode, who, loggedIn }) {
  const origin = new URL(base).origin;
  const queue = seeds.map((s) => ({ url: normalize(new URL(s, base).href), from: null }));
  const seen = new Set(queue.map((q) => q.url));
  const perShape = new Map();
  for (const q of queue) {
    const shape = shapeOf(new URL(q.url));
    perShape.set(shape, (perShape.get(shape) ?? 0) + 1);
  }
  const checked = new Set();
  let langSwitch = null;
  let langSwitchDone = false;
  let firstLang = null;
  const pages = [];
  const problems = [];
  const skipped = {};
  const titles = new Map(); // title -> Map(path shape -> first URL)
  const add = (p) => problems.push({ mode: mode.label, who, ...p });

  const page = await context.newPage();
  let consoleTrouble = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content.Security.Policy/i.test(msg.text())) consoleTrouble.push(`CSP: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleTrouble.push(`script error: ${err.message}`));

  try {
    for (;;) {
      while (queue.length > 0 && pages.length < MAX_PAGES) {
        const { url, from, noFollow } = queue.shift();
        consoleTrouble = [];
        let response;
        try {
          response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
        } catch (err) {
          if (/Download is starting|net::ERR_ABORTED/i.test(err.message)) {
            skipped.download = (skipped.download ?? 0) + 1;
            continue;
          }
          add({ kind: 'navigation', url, detail: `${err.message.split('\n')[0]}${from ? ` (linked from ${shortUrl(from)})` : ''}` });
          continue;
        }
        if (mode.javaScriptEnabled) await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => {});

        const finalUrl = normalize(page.url());
        const final = new URL(finalUrl);
        if (final.origin !== origin) continue;
        if (checked.has(finalUrl)) continue;
        seen.add(finalUrl);
        const status = response ? response.status() : 0;
        const contentType = response ? (response.headers()['content-type'] ?? '') : '';
        if (status >= 400) {
          add({ kind: 'http-status', url: finalUrl, detail: `HTTP ${status}${from ? ` (linked from ${shortUrl(from)})` : ''}` });
        }
        if (response && !/text\/html|application\/xhtml\+xml/i.test(contentType)) {
          skipped['not HTML'] = (skipped['not HTML'] ?? 0) + 1;
          continue;
        }
        if (loggedIn && final.pathname === '/inloggen' && new URL(url).pathname !== '/inloggen') {
          // Redirected to the login page: either the session ended, or this role was shown a link it may not open.
          const still = await stillLoggedIn(page, base);
          add({
            kind: 'session',
            url,
            detail: still
              ? `redirected to /inloggen although still logged in: a link to a page this role may not open${from ? ` (linked from ${shortUrl(from)})` : ''}`
              : `the session ended when opening this page${from ? ` (linked from ${shortUrl(from)})` : ''}; crawl stopped`,
          });
          if (!still) break;
          continue;
        }

        checked.add(finalUrl);
        pages.push({ url: finalUrl, status });

        // lang, title, skip link, reflow
        try {
          const info = await page.evaluate(inspectPage, SKIP_LINK_TARGETS);
          firstLang ??= info.lang;
          if (!info.lang || !info.lang.trim()) add({ kind: 'lang', url: finalUrl, detail: '<html> has no lang attribute' });
          const title = (info.title ?? '').trim();
          if (!title) add({ kind: 'title', url: finalUrl, detail: 'empty or missing <title>' });
          else if (status < 400) {
            if (!titles.has(title)) titles.set(title, new Map());
            // Filters, sorting and pagination of one page may share its title; different pages may not.
          titles.get(title).set(pathShapeOf(final), finalUrl);
          }
          if (!info.skip.ok) {
            add({
              kind: 'skip-link',
              url: finalUrl,
              detail: `first focusable element is ${info.skip.describe}, expected <a href="${SKIP_LINK_TARGETS.join('" or "')}">`,
            });
          } else {
            if (!info.skip.targetExists) add({ kind: 'skip-link', url: finalUrl, detail: `skip link target ${info.skip.describe} does not exist` });
            if (!info.skip.visible) add({ kind: 'skip-link', url: finalUrl, detail: 'skip link does not become visible (>= 10x10 px, in the viewport) when focused' });
          }
          if (info.positiveTabindex > 0) add({ kind: 'tabindex', url: finalUrl, detail: `${info.positiveTabindex} element(s) with tabindex > 0` });
          if (mode.viewport.width <= 320 && info.scrollWidth > info.clientWidth + 1) {
            add({
              kind: 'reflow',
              url: finalUrl,
              detail: `page scrolls horizontally at ${mode.viewport.width}px (content ${info.scrollWidth}px wide); put wide tables in .baken-table-wrapper`,
            });
          }
        } catch (err) {
          add({ kind: 'check-error', url: finalUrl, detail: err.message.split('\n')[0] });
        }

        // axe-core
        try {
          if (!mode.javaScriptEnabled) {
            for (const frame of page.frames()) await frame.evaluate(patchTimersForAxe).catch(() => {});
          }
          const results = await withTimeout(
            new AxeBuilder({ page }).withTags(AXE_TAGS).analyze(),
            AXE_TIMEOUT_MS,
            'axe-core',
          );
          for (const v of results.violations) {
            add({
              kind: 'axe',
              rule: v.id,
              impact: v.impact,
              help: v.help,
              helpUrl: v.helpUrl,
              url: finalUrl,
              nodes: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' / ')),
            });
          }
        } catch (err) {
          add({ kind: 'axe-error', url: finalUrl, detail: err.message.split('\n')[0] });
        }

        for (const trouble of consoleTrouble) add({ kind: 'console', url: finalUrl, detail: trouble.slice(0, 300) });

        // links
        if (noFollow) continue;
        let links = [];
        try {
          links = await page.evaluate(collectLinks);
        } catch (err) {
          add({ kind: 'check-error', url: finalUrl, detail: `reading links: ${err.message.split('\n')[0]}` });
        }
        for (const link of links) {
          let target;
          try {
            target = new URL(link.href);
          } catch {
            continue;
          }
          if (!/^https?:$/.test(target.protocol)) continue;
          const key = normalize(target.href);
          if (target.searchParams.has('lang')) {
            // The language switch sets a cookie for the whole session: check one such page at the end.
            langSwitch ??= { url: key, from: finalUrl, noFollow: true };
            skipped['language switch'] = (skipped['language switch'] ?? 0) + 1;
            continue;
          }
          const reason = skipReason(target, origin, link.download);
          if (reason) {
            skipped[reason] = (skipped[reason] ?? 0) + 1;
            continue;
          }
          if (seen.has(key)) continue;
          seen.add(key);
          const shape = shapeOf(target);
          const count = perShape.get(shape) ?? 0;
          if (count >= MAX_PER_SHAPE) {
            skipped['same shape'] = (skipped['same shape'] ?? 0) + 1;
            continue;
          }
          perShape.set(shape, count + 1);
          queue.push({ url: key, from: finalUrl });
        }
      }
      if (langSwitch && !langSwitchDone && queue.length === 0 && pages.length < MAX_PAGES) {
        langSwitchDone = true;
        queue.push(langSwitch);
        continue;
      }
      break;
    }
    if (langSwitchDone && firstLang) {
      // Switch back, so the session (and a context made from it later) has its original language.
      await page.goto(new URL(`/?lang=${encodeURIComponent(firstLang)}`, base).href).catch(() => {});
    }
    if (queue.length > 0) skipped['over the page cap'] = queue.length;
  } finally {
    await page.close();
  }

  for (const [title, shapes] of titles) {
    if (shapes.size > 1) {
      const urls = [...shapes.values()].map(shortUrl);
      add({ kind: 'title', url: [...shapes.values()][0], detail: `title "${title}" is shared by different pages: ${urls.join(', ')}` });
    }
  }
  return { pages, problems, skipped };
}

// ---------------------------------------------------------------------------------------------- report

function formatProblems(problems) {
  const groups = new Map();
  for (const p of problems) {
    const key = p.kind === 'axe' ? `axe ${p.rule}` : p.kind;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(p);
  }
  const out = [];
  for (const [key, list] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    const first = list[0];
    if (first.kind === 'axe') {
      out.push(`[${key}] (${first.impact ?? 'n/a'}) ${first.help}\n    ${first.helpUrl}`);
      for (const p of list) {
        const nodes = p.nodes.slice(0, 5).join(' | ') + (p.nodes.length > 5 ? ` | … ${p.nodes.length - 5} more` : '');
        out.push(`    ${shortUrl(p.url)} [${p.who}; ${p.mode}]: ${nodes}`);
      }
    } else {
      out.push(`[${key}]`);
      for (const p of list) out.push(`    ${shortUrl(p.url)} [${p.who}; ${p.mode}]: ${p.detail}`);
    }
  }
  return out.join('\n');
}

function describeSkipped(skipped) {
  const parts = Object.entries(skipped).map(([k, v]) => `${k} ${v}`);
  return parts.length ? ` (links not followed: ${parts.join(', ')})` : '';
}

function assertNoProblems(who, problems) {
  if (problems.length === 0) return;
  const axeCount = problems.filter((p) => p.kind === 'axe').length;
  assert.fail(
    `${who}: ${problems.length} accessibility problem(s), of which ${axeCount} axe-core violation(s):\n${formatProblems(problems)}`,
  );
}

// ---------------------------------------------------------------------------------------------- tests

test('TOTP helper matches RFC 6238 (SHA-1 test vector)', () => {
  // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s -> 94287082 (8 digits).
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(base32Decode(secret).toString('ascii'), '12345678901234567890');
  assert.equal(totp(secret, 59_000, { digits: 8 }), '94287082');
  assert.equal(totp(secret, 1_111_111_109_000, { digits: 8 }), '07081804');
  assert.equal(totp(secret, 59_000), '287082');
});

test('axe-core (WCAG 2.1 AA) on every page, per demo account, with and without JavaScript', async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: install it with \`apt-get install -y chromium\``);
  const server = await startServer();
  t.after(() => server.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  t.after(() => browser.close());
  const summary = [];

  await t.test('anonymous: / and /inloggen', async () => {
    const problems = [];
    const counts = [];
    for (const mode of [MODES.js, MODES.nojs]) {
      const context = await newContext(browser, mode, server.base);
      try {
        const result = await crawl(context, server.base, { seeds: ['/', '/inloggen'], mode, who: 'anonymous', loggedIn: false });
        problems.push(...result.problems);
        counts.push(`${result.pages.length} ${mode.label}${describeSkipped(result.skipped)}`);
      } finally {
        await context.close();
      }
    }
    const line = `anonymous: pages checked: ${counts.join('; ')}; problems: ${problems.length}`;
    console.log(line);
    summary.push(line);
    assertNoProblems('anonymous', problems);
  });

  for (const account of server.accounts) {
    if (ONLY_ROLES.length > 0 && !ONLY_ROLES.includes(account.role)) continue;
    const who = `${account.role} <${account.email}>`;
    await t.test(who, async () => {
      const problems = [];
      const counts = [];
      const jsContext = await newContext(browser, MODES.js, server.base);
      let nojsContext = null;
      try {
        await logIn(jsContext, server.base, account);

        const withJs = await crawl(jsContext, server.base, { seeds: SEEDS, mode: MODES.js, who, loggedIn: true });
        problems.push(...withJs.problems);
        counts.push(`${withJs.pages.length} ${MODES.js.label}${describeSkipped(withJs.skipped)}`);

        // Same session, no second login (a TOTP code may be used only once).
        const state = await jsContext.storageState();
        nojsContext = await newContext(browser, MODES.nojs, server.base, state);
        const carried = await nojsContext.cookies();
        if (!carried.some((c) => c.name === SESSION_COOKIE)) {
          await nojsContext.addCookies(await jsContext.cookies());
        }
        const probe = await nojsContext.newPage();
        const stillIn = await stillLoggedIn(probe, server.base);
        const probeSummary = stillIn ? '' : `at ${shortUrl(probe.url())}: ${await pageSummary(probe)}`;
        await probe.close();
        assert.ok(stillIn, `${who}: the session did not carry over to the context without JavaScript (${probeSummary})`);

        const withoutJs = await crawl(nojsContext, server.base, { seeds: SEEDS, mode: MODES.nojs, who, loggedIn: true });
        problems.push(...withoutJs.problems);
        counts.push(`${withoutJs.pages.length} ${MODES.nojs.label}${describeSkipped(withoutJs.skipped)}`);
      } finally {
        await jsContext.close();
        if (nojsContext) await nojsContext.close();
      }
      const line = `${who}: pages checked: ${counts.join('; ')}; problems: ${problems.length}`;
      console.log(line);
      summary.push(line);
      assertNoProblems(who, problems);
    });
  }

  console.log(`summary (${server.accounts.length} demo account(s)):\n  ${summary.join('\n  ')}`);
});
