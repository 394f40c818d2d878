// Shared by the browser test files (same conventions: headless
// Debian chromium through playwright-core, a server loaded with `sgul demo` at SGUL_URL,
// screenshots in SGUL_TEST_OUTPUT, any console or page error fails the test). Not a test
// file itself (node --test picks only *.test.mjs).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import PocketBase from 'pocketbase';

export const BASE = (process.env.SGUL_URL ?? 'http://127.0.0.1:8090').replace(/\/$/, '');
export const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.resolve(E2E, process.env.SGUL_TEST_OUTPUT ?? '../test-output/screenshots');
export const PASSWORD = 'demo12345';
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

const problems = []; // console errors and page errors since the last check
let expectedHttpError = null; // while set, the browser's own log line for that status is expected
// Each test file runs in its own process right after the previous one: the first sign-in
// waits out the rate limit window of the file before.
let lastSignIn = Date.now();

/** Starts chromium; returns {context, page, close}. */
export async function launch() {
  mkdirSync(OUT, { recursive: true });
  const userDir = mkdtempSync(path.join(tmpdir(), 'sgul-chromium-'));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', '--lang=es-PE'],
    viewport: DESKTOP,
    locale: 'es-PE',
    timezoneId: 'America/Lima',
  });
  context.setDefaultTimeout(15000);
  context.on('page', watch);
  context.pages().forEach(watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

function watch(p) {
  p.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (expectedHttpError && msg.text().includes(`status of ${expectedHttpError} `)) return;
    problems.push(`console: ${msg.text()} (${msg.location()?.url ?? ''})`);
  });
  p.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
}

/** Runs fn while an API answer with that status (a validation error on purpose) is expected. */
export async function expectingHttpError(status, fn) {
  expectedHttpError = status;
  try {
    await fn();
  } finally {
    expectedHttpError = null;
  }
}

export function assertNoConsoleErrors() {
  const found = problems.splice(0);
  assert.deepEqual(found, [], `errors in the browser console:\n${found.join('\n')}`);
}

export async function shot(p, name, { fullPage = true } = {}) {
  await p.waitForLoadState('networkidle').catch(() => {});
  await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage });
}

export async function go(p, route) {
  await p.goto(`${BASE}/#${route}`);
  await p.locator('.screen').first().waitFor();
}

// PocketBase's default rate limit allows 2 sign-ins per 3 s from one address.
export async function authSlot() {
  const wait = lastSignIn + 3100 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastSignIn = Date.now();
}

export async function signIn(p, who) {
  await authSlot();
  await p.goto(`${BASE}/#/login`);
  await p.evaluate(() => localStorage.clear()); // whoever was signed in before
  await p.reload();
  await p.getByLabel('Correo').fill(`${who}@demo.sgul.pe`);
  await p.getByLabel('Contraseña').fill(PASSWORD);
  await p.getByRole('button', { name: 'Ingresar' }).click();
  await p.waitForFunction(() => !location.hash.includes('/login') && document.querySelector('#who .name'));
}

export async function signOut(p) {
  await p.getByRole('button', { name: 'Salir' }).click();
  await p.getByRole('button', { name: 'Ingresar' }).waitFor();
}

/** A JS SDK client signed in as a demo user (users, or alumnos for the student). */
export async function sdkAs(who, collection = 'users') {
  await authSlot();
  const pb = new PocketBase(BASE);
  await pb.collection(collection).authWithPassword(`${who}@demo.sgul.pe`, PASSWORD);
  return pb;
}

// The portal's own PocketBase client (the page's instance of js/api.js), kept on window so
// that waitForFunction can poll it synchronously (an async predicate would pass at once).
async function portalApi(p) {
  await p.evaluate(async () => {
    window.__sgulApi ??= await import('/js/api.js');
  });
}

/** The realtime topics of the portal's client about collection ("notas/*?options=..."). */
export async function topics(p, collection) {
  await portalApi(p);
  return p.evaluate((c) => Object.keys(window.__sgulApi.pb.realtime.subscriptions).filter((k) => k.startsWith(`${c}/`)), collection);
}

/** Waits until the page's realtime client is connected with a subscription to collection. */
export async function subscribed(p, collection) {
  await portalApi(p);
  await p.waitForFunction((c) => {
    const { realtime } = window.__sgulApi.pb;
    return realtime.isConnected && Object.keys(realtime.subscriptions).some((k) => k.startsWith(`${c}/`));
  }, collection);
}

/** Waits until the page has no realtime subscription to collection any more. */
export async function unsubscribed(p, collection) {
  await portalApi(p);
  await p.waitForFunction((c) => !Object.keys(window.__sgulApi.pb.realtime.subscriptions).some((k) => k.startsWith(`${c}/`)), collection);
}

/** The menu entries shown to the signed-in user. */
export const menu = (p) => p.locator('#nav a:visible').allTextContents();

export const cents = (v) => Math.round(v * 100);

// A 1x1 PNG (an employee's scanned report, a Yape photo).
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhwGAJ0H1dQAAAABJRU5ErkJggg==', 'base64');
