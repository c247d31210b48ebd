// A colleague registers a melding in the back office (/meldingen/nieuw), run with `node --test` in
// this folder, with JavaScript (1280 px) and without (320 px): a second report about the same door,
// typed differently, is first shown the open melding there; it is registered as its duplicate, then
// merged into it. axe-core (WCAG 2.1 AA) checks every state the crawl of axe.test.mjs cannot reach:
// the form with errors, the duplicate warning, and a merged melding's page. Logs in as the demo
// handhaver.
//
// Environment: BAKEN_BIN and BAKEN_CHROMIUM as for axe.test.mjs (see harness.mjs).

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
  logIn,
  newContext,
  pageSummary,
  patchTimersForAxe,
  startServer,
  submitAndWait,
  withTimeout,
} from './harness.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function assertAccessible(page, state) {
  // Without JavaScript axe-core needs its short timers made promise jobs (see harness.mjs).
  for (const frame of page.frames()) await frame.evaluate(patchTimersForAxe).catch(() => {});
  const results = await withTimeout(new AxeBuilder({ page }).withTags(AXE_TAGS).analyze(), 60_000, `${state}: axe-core`);
  const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `${state}: axe-core violations`);
}

/** Fills the intake form for a drugs report at `adres`. */
async function fillIntake(page, adres, omschrijving) {
  await page.getByLabel('Hoe kwam de melding binnen?', { exact: true }).selectOption('telefoon');
  await page.locator('#veld-omschrijving').fill(omschrijving);
  await page.locator('#veld-locatie-adres').check();
  await page.locator('#veld-adres').fill(adres);
  await page.locator('#veld-contact-anoniem').check();
}

test('a colleague registers a melding, is warned of an open one at the same door, and merges the duplicate', async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: install it with \`apt-get install -y chromium\``);
  const server = await startServer();
  t.after(() => server.stop());
  const handhaver = server.accounts.find((a) => a.role === 'handhaver');
  assert.ok(handhaver, `no demo account with role handhaver among ${server.accounts.map((a) => a.role).join(', ')}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  t.after(() => browser.close());
  const jsContext = await newContext(browser, MODES.js, server.base);
  t.after(() => jsContext.close());
  await logIn(jsContext, server.base, handhaver);

  for (const [n, mode] of [[7, MODES.js], [8, MODES.nojs]]) {
    await t.test(mode.label, async () => {
      // Without JavaScript: the same session, no second login (a TOTP code is used once).
      const context = mode === MODES.js ? jsContext : await newContext(browser, mode, server.base, await jsContext.storageState());
      if (context !== jsContext && !(await context.cookies()).some((c) => c.name === SESSION_COOKIE)) {
        await context.addCookies(await jsContext.cookies());
      }
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      try {
        await page.goto('/meldingen', { waitUntil: 'load' });
        await submitAndWait(page, page.getByRole('link', { name: 'Melding registreren', exact: true }));
        assert.equal(new URL(page.url()).pathname, '/meldingen/nieuw');
        await submitAndWait(page, page.getByRole('link', { name: 'Drugsoverlast', exact: true }));
        assert.equal(new URL(page.url()).pathname, '/meldingen/nieuw/drugsoverlast', await pageSummary(page));
        await assertAccessible(page, 'the intake form');

        // Too short a description: the error next to the field and in the summary.
        await fillIntake(page, `Proefweg ${n}, 4131 AA Vianen`, 'Kort');
        await submitAndWait(page, page.getByRole('button', { name: 'Melding registreren', exact: true }));
        assert.ok((await page.locator('.baken-error-summary').count()) > 0, `error summary: ${await pageSummary(page)}`);
        assert.ok((await page.locator('#veld-omschrijving[aria-invalid="true"]').count()) === 1, 'the field is marked');
        await assertAccessible(page, 'the intake form with errors');

        // The first report about this door is registered at once.
        await fillIntake(page, `Proefweg ${n}, 4131 AA Vianen`, 'Buurman belt: veel kort bezoek bij de woning.');
        await submitAndWait(page, page.getByRole('button', { name: 'Melding registreren', exact: true }));
        const first = /^\/meldingen\/([^/]+)$/.exec(new URL(page.url()).pathname);
        assert.ok(first, `registered: ${page.url()} ${await pageSummary(page)}`);
        const nummer = /M-(\d+)/.exec(await page.locator('h1').innerText())[1];

        // A second one about the same door, typed otherwise: the open one is shown first.
        await page.goto('/meldingen/nieuw/drugsoverlast', { waitUntil: 'load' });
        await fillIntake(page, `proefweg ${n}, 4131aa vianen`, 'Weer iemand over dezelfde woning: bezoek tot diep in de nacht.');
        await submitAndWait(page, page.getByRole('button', { name: 'Melding registreren', exact: true }));
        assert.equal(await page.getByRole('heading', { name: 'Mogelijk al gemeld' }).count(), 1, await pageSummary(page));
        assert.equal(await page.getByRole('link', { name: `M-${nummer}`, exact: true }).count(), 1);
        await assertAccessible(page, 'the duplicate warning');

        // Registered as its duplicate, then merged into it.
        await submitAndWait(page, page.getByRole('button', { name: `Dubbele melding van M-${nummer}`, exact: true }));
        assert.match(new URL(page.url()).pathname, /^\/meldingen\/[^/]+$/);
        assert.notEqual(new URL(page.url()).pathname, `/meldingen/${first[1]}`, 'a new melding');
        assert.equal(await page.getByLabel('Nummer van de oorspronkelijke melding').inputValue(), `M-${nummer}`);
        await submitAndWait(page, page.getByRole('button', { name: 'Samenvoegen met de oorspronkelijke melding', exact: true }));
        assert.ok((await page.getByText('Samengevoegd met', { exact: true }).count()) > 0, await pageSummary(page));
        await assertAccessible(page, 'a merged melding');
        await submitAndWait(page, page.getByRole('link', { name: `M-${nummer}`, exact: true }).first());
        assert.ok((await page.getByText('Hierin samengevoegd', { exact: true }).count()) > 0, await pageSummary(page));
        await assertAccessible(page, 'the original with a merged duplicate');
      } finally {
        await page.close();
        if (context !== jsContext) await context.close();
      }
    });
  }
});
