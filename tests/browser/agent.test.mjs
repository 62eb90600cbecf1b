// The dashboard served by the real nova-agent, in Debian's headless Chromium: the agent
// watches one nova-demo-service (it has one target), the page loads from it, its four
// charts fill from the agent's own scrapes, and the hold, release and rollback buttons
// work with the API token. Before that, the agent's CPU (utime + stime from /proc) over
// 30 s with the page closed and 30 s with it open; closed, it builds no document at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest)`);
  return v;
};
const { chromium } = createRequire(path.join(env('NOVA_NODE_MODULES'), 'x.js'))('playwright-core');
const OUT = env('NOVA_TEST_OUT');
const TOKEN = 'agent-browser-token';
const CLOCK_TICKS = 100; // USER_HZ on Linux

const children = [];
let demoUrl;
let agentUrl;
let agent;
let browser;
let loadTimer;
const pageErrors = [];

// Starts a program that prints "listening on ADDRESS:PORT" first; resolves with its URL.
async function startListening(argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${argv[0]} did not start`)), 15000)),
  ]);
  const m = /^listening on (\S+)$/.exec(first);
  assert.ok(m, `unexpected first line: ${first}`);
  return { child, url: `http://${m[1]}` };
}

// utime + stime of `pid` in clock ticks (/proc/PID/stat fields 14 and 15).
async function cpuTicks(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function documentsBuilt() {
  const text = await (await fetch(`${agentUrl}/metrics`)).text();
  const m = /^nova_agent_dashboard_documents_total (\S+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

// Steady API traffic (20 requests/s) so rates and quantiles have something to judge.
function startLoad() {
  loadTimer = setInterval(() => {
    fetch(`${demoUrl}/api/v1/streams/active`).then((r) => r.arrayBuffer()).catch(() => {});
  }, 50);
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'nova-agent-browser-'));
  ({ url: demoUrl } = await startListening([env('NOVA_DEMO_SERVICE'), '--listen', '127.0.0.1:0',
    '--ws-simulated', '30', '--seed-streams', '5']));
  startLoad();
  await writeFile(path.join(dir, 'token'), `${TOKEN}\n`);
  await writeFile(path.join(dir, 'agent.yaml'), [
    'target:',
    `  health_url: ${demoUrl}/health`,
    `  metrics_url: ${demoUrl}/metrics`,
    `rule_files: [${env('NOVA_RULES')}]`,
    'switch: {type: dry-run, target: ingress demo/user}',
    'notifiers: [{type: log}]',
    'api_token: {file: token}',
    'listen: 127.0.0.1:0',
    '',
  ].join('\n'));
  ({ child: agent, url: agentUrl } = await startListening([env('NOVA_AGENT'), '--config',
    path.join(dir, 'agent.yaml')]));
  browser = await chromium.launch({
    executablePath: env('NOVA_CHROMIUM'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-dev-shm-usage', '--no-first-run'],
  });
});

after(async () => {
  assert.deepEqual(pageErrors, [], 'no script errors on the page');
  clearInterval(loadTimer);
  if (browser) await browser.close();
  for (const child of children.reverse()) child.kill('SIGTERM');
});

async function openPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${agentUrl}/`);
  return page;
}

test('the agent\'s CPU with the page closed and open; closed builds nothing', { timeout: 120000 }, async () => {
  // Let the agent settle after its start before measuring.
  await new Promise((r) => setTimeout(r, 5000));
  const measure = async () => {
    const t0 = await cpuTicks(agent.pid);
    const start = Date.now();
    await new Promise((r) => setTimeout(r, 30000));
    const ticks = (await cpuTicks(agent.pid)) - t0;
    const seconds = (Date.now() - start) / 1000;
    return { cpuSeconds: ticks / CLOCK_TICKS, percent: (100 * ticks) / CLOCK_TICKS / seconds };
  };
  const builtBefore = await documentsBuilt();
  const closed = await measure();
  assert.equal(await documentsBuilt(), builtBefore, 'no document built while nobody looks');
  const page = await openPage();
  const open = await measure();
  const built = (await documentsBuilt()) - builtBefore;
  await page.close();
  console.log(`agent CPU over 30 s: page closed ${closed.cpuSeconds.toFixed(2)} s ` +
    `(${closed.percent.toFixed(2)} %), page open ${open.cpuSeconds.toFixed(2)} s ` +
    `(${open.percent.toFixed(2)} %), ${built} documents built while open`);
  assert.ok(built >= 4 && built <= 8, `${built} documents for 30 s of polling every 5 s`);
});

test('the page loads from the agent, its four charts fill, hold / release / rollback work with the token', { timeout: 120000 }, async () => {
  const page = await openPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.reload();
  assert.equal(await page.getAttribute('meta[name="nova-dashboard-flavor"]', 'content'), 'charts');
  await page.waitForFunction(() => {
    const figs = [...document.querySelectorAll('figure.chart')];
    return figs.length === 4 && figs.every((f) => Number(f.dataset.points) >= 10);
  }, null, { timeout: 90000, polling: 1000 });
  const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => ({
    id: f.id,
    series: Number(f.dataset.series),
    canvases: f.querySelectorAll('canvas').length,
    legend: [...f.querySelectorAll('.u-legend .u-series th')].map((th) => th.textContent.trim()),
  })));
  assert.deepEqual(charts.map((c) => c.id), ['chart-latency', 'chart-errors', 'chart-websockets', 'chart-db']);
  for (const c of charts) {
    assert.ok(c.canvases >= 1, `${c.id} draws on a canvas`);
    assert.equal(c.series, 1, `${c.id}: the one target's aggregate`);
    assert.ok(c.legend.includes('all targets'), c.legend.join());
  }
  const legend = Object.fromEntries(charts.map((c) => [c.id, c.legend]));
  assert.ok(legend['chart-latency'].includes('threshold > 200 ms'));
  assert.ok(legend['chart-errors'].includes('threshold > 0.1 %'));
  assert.ok(legend['chart-db'].includes('threshold > 100 ms'));
  assert.match(await page.textContent('#traffic'), /traffic on green/);
  assert.match(await page.textContent('#incident'), /No incident/);
  const origin = new URL(agentUrl).origin;
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin)), [], 'nothing asked of anyone but the agent');
  await page.screenshot({ path: path.join(OUT, 'agent-1-watching.png'), fullPage: true });

  // Hold: a wrong token is refused by the agent (403), the right one is accepted.
  await page.click('#btn-hold');
  await page.waitForSelector('#token-dialog[open]');
  await page.fill('#who-input', 'tester');
  await page.fill('#reason-input', 'checking the real agent');
  await page.fill('#for-input', '10m');
  await page.fill('#token-input', 'not-the-token');
  await page.click('#dialog-submit');
  await page.waitForFunction(() => /Refused \(403\)/.test(document.getElementById('dialog-error').textContent));
  await page.fill('#token-input', TOKEN);
  await page.click('#dialog-submit');
  await page.waitForFunction(() => !document.getElementById('token-dialog').open);
  assert.match(await page.textContent('#command-status'), /hold by tester accepted/);
  await page.waitForFunction(() => /Hold by tester until/.test(document.getElementById('incident').textContent),
    null, { timeout: 15000 });
  // Release, then roll back, with the token the tab remembers.
  await page.waitForFunction(() => !document.getElementById('btn-release').disabled, null, { timeout: 15000 });
  await page.click('#btn-release');
  await page.waitForSelector('#token-dialog[open]');
  await page.click('#dialog-submit');
  await page.waitForFunction(() => !document.getElementById('token-dialog').open);
  assert.match(await page.textContent('#command-status'), /release by tester accepted/);
  await page.click('#btn-rollback');
  await page.waitForSelector('#token-dialog[open]');
  assert.match(await page.textContent('#dialog-text'), /token remembered/);
  await page.click('#dialog-submit');
  await page.waitForFunction(() => !document.getElementById('token-dialog').open);
  assert.match(await page.textContent('#command-status'), /rollback by tester accepted/);
  await page.waitForFunction(() => /traffic on blue/.test(document.getElementById('traffic').textContent),
    null, { timeout: 15000 });
  await page.waitForFunction(() => /rolled back/.test(document.getElementById('incident').textContent),
    null, { timeout: 15000 });
  const commands = await page.textContent('#commands');
  assert.match(commands, /tester hold accepted/);
  assert.match(commands, /tester release accepted/);
  assert.match(await page.textContent('#commands'), /tester rollback accepted: forced by tester: checking the real agent/);
  await page.screenshot({ path: path.join(OUT, 'agent-2-rolled-back.png'), fullPage: true });
  await page.close();
});
