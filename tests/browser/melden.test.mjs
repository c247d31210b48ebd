// Maps and addresses of meldingen, run with `node --test` in this folder, against the local PDOK
// stand-in of pdok.mjs (tiles and Locatieserver): the resident searches an address and picks it,
// clicks the map and gets the address there (reverse lookup), reports without JavaScript by typing
// the address (looked up server-side), and reports while the geocoder is down (the address kept as
// typed, and said so); the back office sees every melding of its selection clustered on the map.
// axe-core (WCAG 2.1 AA) on each state, with JavaScript and without, at 320 px wide.
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
  logIn,
  newContext,
  pageSummary,
  patchTimersForAxe,
  startServer,
  submitAndWait,
  withTimeout,
} from './harness.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const JS_320 = { label: 'met JS, 320px', javaScriptEnabled: true, viewport: { width: 320, height: 640 } };

async function assertAccessible(page, state) {
  for (const frame of page.frames()) await frame.evaluate(patchTimersForAxe).catch(() => {});
  const results = await withTimeout(new AxeBuilder({ page }).withTags(AXE_TAGS).analyze(), 60_000, `${state}: axe-core`);
  const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `${state}: axe-core violations`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `${state}: no horizontal scrolling at this width (${overflow}px too wide)`);
}

async function describe(page, text) {
  await page.locator('#veld-omschrijving').fill(text);
  await page.locator('#veld-contact-anoniem').check();
}

test('residents find their address on a real map, also without JavaScript or geocoder', async (t) => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: install it with \`apt-get install -y chromium\``);
  const server = await startServer();
  t.after(() => server.stop());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  t.after(() => browser.close());

  await t.test('with JavaScript: search and pick, click the map, tiles and attribution', async () => {
    const context = await newContext(browser, JS_320, server.base);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const cspErrors = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    try {
      await page.goto('/melden/jeugdoverlast', { waitUntil: 'load' });
      assert.equal(await page.locator('input[name="lat"][type="text"], input[name="lon"][type="text"]').count(), 0, 'no coordinate fields');
      const map = page.locator('#kaart');
      await map.locator('img.leaflet-tile-loaded').first().waitFor({ state: 'attached' });
      assert.match(await map.locator('.leaflet-control-attribution').innerText(), /Kadaster/);
      assert.ok(server.pdok.calls.tiles > 0, 'the tiles came from the tile server');

      // Type, see the suggestions, pick one with the keyboard: its point and buurt follow.
      const input = page.locator('#veld-adres');
      await input.pressSequentially('Voorstr', { delay: 30 });
      const option = page.getByRole('option', { name: 'Voorstraat 3, 4132AP Vianen' });
      await option.waitFor();
      assert.equal(await input.getAttribute('aria-expanded'), 'true');
      await assertAccessible(page, 'the form with address suggestions (JS, 320px)');
      await input.press('ArrowDown');
      await input.press('ArrowDown');
      await input.press('ArrowDown');
      await input.press('Enter');
      await page.locator('#kaart-status', { hasText: 'Adres gekozen: Voorstraat 3, 4132AP Vianen' }).waitFor();
      assert.match(await page.locator('#veld-lat-punt').inputValue(), /^51\.99/);
      assert.ok(await page.locator('#veld-locatie-adres').isChecked());

      // A click on the map: the point where it was put, the address nearest to it.
      await map.scrollIntoViewIfNeeded();
      const box = await map.boundingBox();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.locator('#kaart-status', { hasText: 'Adres bij het punt op de kaart' }).waitFor();
      const adres = await input.inputValue();
      assert.match(adres, /^(Voorstraat|Proefweg|Kerkstraat|Dorpsstraat) 1, /);
      assert.ok(server.pdok.calls.reverse > 0, 'reverse lookup asked');
      const picked = await page.locator('#veld-lat-punt').inputValue();
      await assertAccessible(page, 'the form after a map click (JS, 320px)');

      await describe(page, 'Jongeren met scooters op de stoep, elke avond.');
      await submitAndWait(page, page.getByRole('button', { name: 'Melding versturen', exact: true }));
      assert.match(new URL(page.url()).pathname, /^\/melden\/volg\//, await pageSummary(page));
      assert.ok(picked.length > 0);
      assert.deepEqual(cspErrors, [], 'no CSP errors');
    } finally {
      await context.close();
    }
  });

  await t.test('without JavaScript: the typed address is looked up, an unknown one refused', async () => {
    const context = await newContext(browser, MODES.nojs, server.base);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    try {
      await page.goto('/melden/jeugdoverlast', { waitUntil: 'load' });
      assert.equal(await page.locator('#kaart').isHidden(), true, 'no empty map box');
      await assertAccessible(page, 'the form (no JS, 320px)');
      await page.locator('#veld-locatie-adres').check();
      await page.locator('#veld-adres').fill('Nergensstraat 9, Nergenshuizen');
      await describe(page, 'Iemand dumpt elke nacht afval naast de container.');
      await submitAndWait(page, page.getByRole('button', { name: 'Melding versturen', exact: true }));
      assert.match(await page.locator('#veld-adres-fout').innerText(), /Wij vinden dit adres niet/);
      assert.equal(await page.locator('#veld-adres').inputValue(), 'Nergensstraat 9, Nergenshuizen', 'kept');
      assert.equal(await page.locator('#veld-omschrijving').inputValue(), 'Iemand dumpt elke nacht afval naast de container.');
      await assertAccessible(page, 'the form with an unknown address (no JS, 320px)');
      const free = server.pdok.calls.free;
      await page.locator('#veld-adres').fill('Kerkstraat 12 Leerdam');
      await submitAndWait(page, page.getByRole('button', { name: 'Melding versturen', exact: true }));
      assert.match(new URL(page.url()).pathname, /^\/melden\/volg\//, await pageSummary(page));
      assert.ok(server.pdok.calls.free > free, 'looked up server-side');
      assert.equal(await page.getByText('adreszoeker was even niet bereikbaar').count(), 0);
    } finally {
      await context.close();
    }
  });

  await t.test('the geocoder down: told, and the typed address kept', async () => {
    server.pdok.setDown(true);
    try {
      for (const mode of [JS_320, MODES.nojs]) {
        const context = await newContext(browser, mode, server.base);
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        try {
          await page.goto('/melden/jeugdoverlast', { waitUntil: 'load' });
          await page.locator('#veld-locatie-adres').check();
          if (mode.javaScriptEnabled) {
            await page.locator('#veld-adres').pressSequentially('Dorpsstr', { delay: 30 });
            await page.locator('#kaart-status', { hasText: 'De adreszoeker is nu niet bereikbaar' }).waitFor();
            await assertAccessible(page, `the form, geocoder down (${mode.label})`);
            await page.locator('#veld-adres').fill('');
          }
          await page.locator('#veld-adres').fill('Dorpsstraat 3, Meerkerk');
          await describe(page, 'Een auto staat al weken met draaiende motor te wachten.');
          await submitAndWait(page, page.getByRole('button', { name: 'Melding versturen', exact: true }));
          assert.match(new URL(page.url()).pathname, /^\/melden\/volg\//, await pageSummary(page));
          await page.getByText('De adreszoeker was even niet bereikbaar.', { exact: false }).waitFor();
          await assertAccessible(page, `the receipt, address kept as typed (${mode.label})`);
        } finally {
          await context.close();
        }
      }
    } finally {
      server.pdok.setDown(false);
    }
  });

  await t.test('the back office: every melding of the selection, clustered, with its list', async () => {
    const handhaver = server.accounts.find((a) => a.role === 'handhaver');
    assert.ok(handhaver, 'a demo handhaver');
    const jsContext = await newContext(browser, JS_320, server.base);
    await logIn(jsContext, server.base, handhaver);
    const noJs = await newContext(browser, MODES.nojs, server.base, await jsContext.storageState());
    try {
      const page = await jsContext.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto('/meldingen', { waitUntil: 'load' });
      await submitAndWait(page, page.getByRole('link', { name: 'Bekijk deze selectie op de kaart', exact: true }));
      assert.equal(new URL(page.url()).pathname, '/meldingen/kaart');
      const uitleg = await page.locator('#kaart-uitleg').innerText();
      const onMap = Number(/: (\d+) staan op de kaart/.exec(uitleg)[1]);
      assert.ok(onMap > 0, uitleg);
      const clusters = page.locator('#kaart-leaflet .baken-cluster');
      await clusters.first().waitFor();
      const counts = (await clusters.allInnerTexts()).map(Number);
      assert.equal(counts.reduce((a, b) => a + b, 0), onMap, `every melding with a point is on the map: ${counts}`);
      // Zoomed out, nearby meldingen are one group with their count, none lost.
      for (let i = 0; i < 6; i++) {
        await page.locator('#kaart-leaflet .leaflet-control-zoom-out').click();
        await page.waitForTimeout(350);
      }
      const grouped = (await clusters.allInnerTexts()).map(Number);
      assert.ok(grouped.some((n) => n > 1), `clustered: ${grouped}`);
      assert.equal(grouped.reduce((a, b) => a + b, 0), onMap, 'still every melding when grouped');
      assert.equal(await page.locator('#kaart-svg').isHidden(), true, 'the SVG gives way to the map');
      assert.equal(await page.locator('#tabel-kaart').isVisible(), true, 'the list stays');
      // A group is a button with its count, reachable with the keyboard; it zooms in.
      const zoom = await page.evaluate(() => document.querySelector('#kaart-leaflet .leaflet-map-pane') !== null);
      assert.ok(zoom);
      const biggest = clusters.nth(grouped.indexOf(Math.max(...grouped)));
      assert.match(await biggest.getAttribute('aria-label'), /meldingen hier: inzoomen/);
      await biggest.focus();
      await biggest.press('Enter');
      await page.waitForTimeout(800);
      const after = (await clusters.allInnerTexts()).map(Number);
      assert.equal(after.reduce((a, b) => a + b, 0), onMap, 'still every melding after zooming');
      await assertAccessible(page, 'the back-office map (JS, 320px)');

      const plain = await noJs.newPage();
      await plain.goto('/meldingen/kaart', { waitUntil: 'load' });
      assert.equal(await plain.locator('#kaart-svg svg').isVisible(), true, 'the SVG map without JavaScript');
      assert.equal(await plain.locator('#kaart-leaflet').isHidden(), true);
      assert.equal(await plain.locator('#tabel-kaart').isVisible(), true);
      await assertAccessible(plain, 'the back-office map (no JS, 320px)');
    } finally {
      await noJs.close();
      await jsContext.close();
    }
  });
});
