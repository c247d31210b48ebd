// The monitor's Leaflet choropleth (/monitor/kaart), run with `node --test` in this folder: with
// JavaScript the areas are drawn on the Leaflet map, each one focusable and named, the SVG fallback
// is hidden and the table stays; without JavaScript the SVG map shows. Logs in as the demo analist.
//
// Environment: BAKEN_BIN and BAKEN_CHROMIUM as for axe.test.mjs (see harness.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS, MODES, logIn, newContext, startServer } from './harness.mjs';

/** The codes in the table of figures under the map (its second column). */
async function tableCodes(page) {
  return page.locator('#tabel-kaart').locator('xpath=..').locator('tbody tr td:first-of-type').allInnerTexts();
}

test('the monitor map: Leaflet choropleth with JavaScript, SVG without', async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: install it with \`apt-get install -y chromium\``);
  const server = await startServer();
  t.after(() => server.stop());
  const analist = server.accounts.find((a) => a.role === 'analist');
  assert.ok(analist, `no demo account with role analist among ${server.accounts.map((a) => a.role).join(', ')}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  t.after(() => browser.close());

  const jsContext = await newContext(browser, MODES.js, server.base);
  t.after(() => jsContext.close());
  await logIn(jsContext, server.base, analist);

  await t.test('with JavaScript the areas are drawn, focusable and named; the SVG hides, the table stays', async () => {
    const page = await jsContext.newPage();
    const trouble = [];
    page.on('pageerror', (err) => trouble.push(`script error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') trouble.push(`console: ${msg.text()}`);
    });
    const response = await page.goto('/monitor/kaart', { waitUntil: 'load' });
    assert.equal(response.status(), 200);

    const map = page.locator('#kaart-leaflet');
    await map.locator('.leaflet-container, .leaflet-pane').first().waitFor({ state: 'attached', timeout: 15_000 });
    assert.ok(await map.evaluate((el) => el.classList.contains('leaflet-container')), 'Leaflet took the map element');
    await map.waitFor({ state: 'visible' });

    const codes = (await tableCodes(page)).map((c) => c.trim());
    assert.ok(codes.length >= 30, `the table lists the wijken (got ${codes.length})`);
    assert.ok(codes.every((c) => /^WK1961\d\d$/.test(c)), `only wijk codes in the table: ${codes.join(', ')}`);

    const areas = map.locator('.leaflet-overlay-pane path');
    await areas.first().waitFor({ state: 'attached', timeout: 15_000 });
    assert.equal(await areas.count(), codes.length, 'one drawn area per wijk in the table');

    const drawn = await areas.evaluateAll((paths) =>
      paths.map((p) => ({
        tabindex: p.getAttribute('tabindex'),
        role: p.getAttribute('role'),
        label: p.getAttribute('aria-label') ?? '',
        fill: p.getAttribute('fill') ?? '',
        d: (p.getAttribute('d') ?? '').length,
      })),
    );
    for (const a of drawn) {
      assert.equal(a.tabindex, '0', `every area is in the tab order: ${JSON.stringify(a)}`);
      assert.equal(a.role, 'img', `every area has a role: ${JSON.stringify(a)}`);
      assert.ok(a.d > 10, `every area has a shape: ${JSON.stringify(a)}`);
      assert.ok(/^#[0-9a-f]{6}$/i.test(a.fill), `every area is coloured: ${JSON.stringify(a)}`);
    }
    // Each wijk of the table is named on the map, with its code.
    const labelled = drawn.map((a) => /\((WK1961\d\d)\): \S/.exec(a.label)?.[1]);
    assert.deepEqual([...labelled].sort(), [...codes].sort(), 'the map names exactly the wijken of the table');
    console.log(`kaart: ${codes.length} wijken in the table, ${drawn.length} named areas drawn on the Leaflet map`);

    // The accessible name as assistive technology gets it, and focus by keyboard-style focus().
    const first = codes[0];
    const byName = page.getByRole('img', { name: new RegExp(`\\(${first}\\)`) });
    assert.equal(await byName.count(), 1, `one area named after ${first}`);
    await byName.focus();
    assert.ok(await byName.evaluate((el) => document.activeElement === el), `${first} takes focus`);
    // Tab moves from one area to the next.
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    assert.match(next, /\(WK1961\d\d\): /, 'Tab goes to the next area');

    assert.equal(await page.locator('#kaart-svg').isHidden(), true, 'the SVG fallback is hidden once the map is drawn');
    assert.equal(await page.locator('#tabel-kaart').isVisible(), true, 'the table of figures stays');
    assert.equal(await page.locator('#tabel-kaart').locator('xpath=..').locator('tbody tr').count(), codes.length);
    assert.deepEqual(trouble, [], 'no script or CSP errors');
    await page.close();
  });

  await t.test('without JavaScript the SVG map and the table show, the Leaflet element stays hidden', async () => {
    const context = await newContext(browser, MODES.nojs, server.base, await jsContext.storageState());
    try {
      const page = await context.newPage();
      const response = await page.goto('/monitor/kaart', { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/monitor/kaart', 'still logged in');
      const svg = page.locator('#kaart-svg svg');
      assert.equal(await svg.isVisible(), true, 'the SVG map shows');
      const codes = await tableCodes(page);
      assert.equal(await page.locator('#kaart-svg svg path').count(), codes.length, 'the SVG has every wijk');
      assert.equal(await page.locator('#kaart-leaflet').isHidden(), true, 'no empty Leaflet box');
      assert.equal(await page.locator('#kaart-leaflet .leaflet-pane').count(), 0, 'Leaflet did not run');
      assert.equal(await page.locator('#tabel-kaart').isVisible(), true, 'the table of figures shows');
    } finally {
      await context.close();
    }
  });
});
