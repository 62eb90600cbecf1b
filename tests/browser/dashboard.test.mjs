// The dashboard as a person sees it, in Debian's headless Chromium: four charts with data,
// their thresholds, a rule turning to breaching after a fault, the incident's countdown,
// the rollback button refusing without a token and working with one. Screenshots of the
// three moments (before the fault, during the incident, after the rollback, plus a phone)
// go to $NOVA_TEST_OUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest)`);
  return v;
};
const { chromium } = createRequire(path.join(env('NOVA_NODE_MODULES'), 'x.js'))('playwright-core');
const OUT = env('NOVA_TEST_OUT');
const TOKEN = 'browser-test-token';

let server;
let info;
let browser;
let page;
const pageErrors = [];

async function startServer() {
  // error_rate_high counts after 5s instead of 1m, so the incident opens within the test;
  // HIGH's 5m investigation stays, so the countdown has minutes to show.
  server = spawn(env('NOVA_TEST_SERVER'),
    ['--rules', env('NOVA_RULES'), '--token', TOKEN, '--for', 'error_rate_high=5s'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: server.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    new Promise((_, reject) => setTimeout(() => reject(new Error('test server did not start')), 30000)),
  ]);
  return JSON.parse(first);
}

async function shot(name) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

const chartState = () => page.$$eval('figure.chart', (figs) => figs.map((f) => ({
  id: f.id,
  points: Number(f.dataset.points),
  series: Number(f.dataset.series),
  breaches: Number(f.dataset.breaches),
  threshold: f.dataset.threshold,
  canvases: f.querySelectorAll('canvas').length,
  legend: [...f.querySelectorAll('.u-legend .u-series th')].map((th) => th.textContent.trim()),
})));

const ruleState = (name) => page.$eval(`tr[data-rule="${name}"]`, (tr) => tr.dataset.state);

before(async () => {
  await mkdir(OUT, { recursive: true });
  info = await startServer();
  browser = await chromium.launch({
    executablePath: env('NOVA_CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-dev-shm-usage', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  assert.deepEqual(pageErrors, [], 'no script errors on the page');
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

test('four charts fill with data, each with its threshold; rules are judged', { timeout: 120000 }, async () => {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(info.url);
  assert.equal(await page.getAttribute('meta[name="nova-dashboard-flavor"]', 'content'), 'charts');
  // Half a minute of data (points are 3 s apart): every rate has two scrapes in its window.
  // The WebSocket drop threshold is the low of the 2 minutes before the last 30 s, so its
  // line appears only once there is data older than 30 s.
  await page.waitForFunction(() => {
    const figs = [...document.querySelectorAll('figure.chart')];
    return figs.length === 4 && figs.every((f) => Number(f.dataset.points) >= 10) &&
      document.getElementById('chart-websockets').dataset.threshold === 'moving';
  }, null, { timeout: 90000, polling: 1000 });
  const charts = await chartState();
  assert.deepEqual(charts.map((c) => c.id), ['chart-latency', 'chart-errors', 'chart-websockets', 'chart-db']);
  for (const c of charts) {
    assert.ok(c.canvases >= 1, `${c.id} draws on a canvas`);
    assert.equal(c.series, 3, `${c.id}: aggregate and two pods`);
    assert.ok(c.legend.includes('all targets') && c.legend.includes('green-a') && c.legend.includes('green-b'), c.legend.join());
  }
  const legend = Object.fromEntries(charts.map((c) => [c.id, c.legend]));
  assert.ok(legend['chart-latency'].includes('threshold > 200 ms'));
  assert.ok(legend['chart-errors'].includes('threshold > 0.1 %'));
  assert.ok(legend['chart-websockets'].includes('drop threshold'));
  assert.ok(legend['chart-db'].includes('threshold > 100 ms'));
  assert.equal(charts.find((c) => c.id === 'chart-errors').breaches, 0);
  assert.equal(await ruleState('error_rate_high'), 'ok');
  assert.equal(await ruleState('latency_p95'), 'ok');
  assert.match(await page.textContent('#traffic'), /traffic on green/);
  assert.match(await page.textContent('#incident'), /No incident/);
  // Nothing but the agent itself was asked for anything.
  const origin = new URL(info.url).origin;
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), []);
  await shot('1-before-fault.png');
});

test('a fault turns a rule to breaching and opens an incident with its countdown', { timeout: 90000 }, async () => {
  const r = await fetch(`${info.pods['green-b']}/admin/faults`, {
    method: 'POST', body: JSON.stringify({ error_ratio: 0.5, db_latency_ms: 150 }),
  });
  assert.equal(r.status, 200);
  await page.waitForSelector('tr[data-rule="error_rate_high"][data-state="breaching"]', { timeout: 60000 });
  await page.waitForSelector('#countdown', { timeout: 30000 });
  const countdown = await page.textContent('#countdown');
  assert.match(countdown, /^rollback in [1-5]m\d*s? unless it recovers$/);
  assert.match(await page.textContent('.incident-sev'), /HIGH/);
  // The countdown runs in the page between polls.
  await page.waitForFunction((before) => document.getElementById('countdown').textContent !== before,
    countdown, { timeout: 5000 });
  await page.waitForFunction(() => Number(document.getElementById('chart-errors').dataset.breaches) >= 1,
    null, { timeout: 15000 });
  await shot('2-incident.png');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px too wide)`);
  await shot('2-incident-phone.png');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('rollback refuses without a token and with a wrong one, and works with the right one', { timeout: 60000 }, async () => {
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
  await page.click('#btn-rollback');
  await page.waitForSelector('#token-dialog[open]');
  await page.fill('#who-input', 'tester');
  await page.fill('#reason-input', 'errors on green-b');
  await page.click('#dialog-submit');
  assert.match(await page.textContent('#dialog-error'), /Refused: an API token is needed to roll back/);
  assert.deepEqual(posts, [], 'nothing sent without a token');

  await page.fill('#token-input', 'not-the-token');
  await page.click('#dialog-submit');
  await page.waitForFunction(() => /Refused \(403\)/.test(document.getElementById('dialog-error').textContent));
  assert.match(await page.textContent('#traffic'), /traffic on green/);

  await page.fill('#token-input', TOKEN);
  await page.click('#dialog-submit');
  await page.waitForFunction(() => !document.getElementById('token-dialog').open);
  assert.match(await page.textContent('#command-status'), /rollback by tester accepted/);
  await page.waitForFunction(() => /traffic on blue/.test(document.getElementById('traffic').textContent),
    null, { timeout: 15000 });
  await page.waitForFunction(() => /rolled back/.test(document.getElementById('incident').textContent),
    null, { timeout: 15000 });
  const commands = await page.textContent('#commands');
  assert.match(commands, /tester rollback accepted: forced by tester: errors on green-b/);
  assert.match(await page.textContent('#timeline'), /forced rollback/);
  // The second rollback is refused by the agent, with the token remembered in the tab.
  await page.click('#btn-rollback');
  assert.match(await page.textContent('#dialog-text'), /token remembered/);
  await page.click('#dialog-submit');
  await page.waitForFunction(() => /Refused \(409\)/.test(document.getElementById('dialog-error').textContent));
  await page.click('#dialog-cancel');
  await page.waitForTimeout(1500);
  await shot('3-after-rollback.png');
});

test('polling pauses while the tab is hidden and backs off while the agent is gone', { timeout: 90000 }, async () => {
  const polls = [];
  page.on('request', (r) => { if (r.url().endsWith('/v1/dashboard')) polls.push(Date.now()); });
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(6000);    // a poll already scheduled finds the tab hidden
  const whileHidden = polls.length;
  await page.waitForTimeout(11000);
  assert.equal(polls.length, whileHidden, 'no polls while hidden');
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(1500);
  assert.ok(polls.length > whileHidden, 'visible again: polled at once');

  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  server = null;
  const before = polls.length;
  await page.waitForFunction(() => /no answer from the agent.*retrying in/.test(document.getElementById('freshness').textContent),
    null, { timeout: 15000 });
  await page.waitForTimeout(25000);
  const failed = polls.slice(before);
  assert.ok(failed.length >= 2 && failed.length <= 4, `${failed.length} polls in 25 s while the agent is gone`);
  for (let i = 1; i < failed.length; i++) {
    assert.ok(failed[i] - failed[i - 1] >= 7000, `retry ${i} after ${failed[i] - failed[i - 1]} ms (backoff)`);
  }
  assert.match(await page.textContent('#freshness'), /no answer from the agent/);
});
