// The dashboard: polls the agent's document, renders rules, incident, timeline and charts,
// and sends hold / release / rollback with a token kept in this tab's memory only.
(function () {
  'use strict';
  const DOC_PATH = 'v1/dashboard';
  const POLL_MS = 5000;
  const MAX_BACKOFF_MS = 60000;
  const TIMEOUT_MS = 10000;
  const fmt = window.NovaFormat;
  const charts = window.NovaCharts;
  const $ = (id) => document.getElementById(id);

  let doc = null;
  let receivedAt = 0;      // local clock when `doc` arrived; countdowns run from it
  let failures = 0;
  let timer = null;
  let paused = false;
  let token = null;        // never stored: memory of this tab only
  let pendingCommand = null;

  const STATE_TEXT = {
    ok: '✓ ok', not_enough_traffic: '– not enough traffic', pending: '◐ pending',
    breaching: '✗ breaching', no_data: '? no data',
  };
  const ACTION_TEXT = { rollback: 'rollback', page: 'page', notify: 'notification', monitor: 'monitoring', none: 'nothing' };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const time = (ms) => el('time', { datetime: new Date(ms).toISOString() }, fmt.clock(ms));

  function renderIdentity() {
    const r = doc.rollout;
    $('rollout').textContent = r.id
      ? `rollout ${r.id}: ${r.version || '?'}${r.blue_version ? ' (blue ' + r.blue_version + ')' : ''}${r.phase ? ', ' + r.phase : ''}`
      : 'no rollout armed';
    const t = doc.traffic;
    $('traffic').textContent = `traffic on ${t.backend}` +
      (t.switched_at ? ` since ${fmt.clock(t.switched_at)} UTC` : '') + (t.detail ? ` (${t.detail})` : '');
  }

  function countdownText(step) {
    const action = ACTION_TEXT[step.action] || step.action;
    if (step.due_in_ms === null || step.due_in_ms === undefined) return `next: ${action}, ${step.condition}`;
    const left = step.due_in_ms - (Date.now() - receivedAt);
    const when = left > 0 ? `in ${fmt.duration(left)}` : 'due now';
    return `${action} ${when} ${step.condition}`.trim();
  }

  function renderIncident() {
    const box = $('incident');
    box.replaceChildren();
    const i = doc.incident;
    if (!i) {
      box.append(el('p', {}, 'No incident.'));
    } else {
      box.append(el('div', { class: 'incident-head' },
        el('span', { class: `incident-sev sev-${i.severity}` }, i.severity.toUpperCase()),
        el('span', {}, `incident ${i.id}, ${i.state.replace('_', ' ')}, since `, time(i.started_at), ' UTC')));
      if (i.next_step) {
        box.append(el('p', { id: 'countdown', class: 'countdown', 'aria-live': 'off' }, countdownText(i.next_step)));
      } else if (i.state === 'rolled_back') {
        box.append(el('p', { class: 'countdown' }, 'rolled back: traffic is on blue'));
      }
      const list = el('ul');
      for (const r of i.rules) {
        list.append(el('li', {}, `${r.firing ? '✗ firing' : '✓ clear'} `, el('strong', {}, r.name),
          ` (${r.severity}): ${r.summary}`));
      }
      box.append(list);
    }
    if (doc.hold) {
      box.append(el('p', { class: 'note' }, `Hold by ${doc.hold.who} until `, time(doc.hold.until),
        ` UTC: ${doc.hold.reason || 'no reason given'}`));
    }
    const off = !doc.commands_enabled;
    $('commands-off').hidden = !off;
    for (const b of document.querySelectorAll('[data-command]')) b.disabled = off;
    $('btn-release').disabled = off || !doc.hold;
  }

  function renderRules() {
    const body = $('rules').tBodies[0];
    body.replaceChildren();
    for (const r of doc.rules) {
      body.append(el('tr', { 'data-rule': r.name, 'data-state': r.state },
        el('th', { scope: 'row' }, r.name),
        el('td', {}, el('span', { class: 'sev' }, r.severity)),
        el('td', {}, el('span', { class: `state state-${r.state}`, title: r.reason || r.summary }, STATE_TEXT[r.state] || r.state)),
        el('td', { class: 'num' }, r.value_text),
        el('td', { class: 'num' }, r.threshold_text),
        el('td', { class: 'num' }, r.for_ms ? fmt.duration(r.for_ms) : '–')));
    }
  }

  function renderTimeline() {
    const list = $('timeline');
    list.replaceChildren();
    if (!doc.timeline.length) list.append(el('li', { class: 'note' }, 'nothing yet'));
    for (const e of doc.timeline.slice().reverse()) {
      list.append(el('li', {}, time(e.at), el('strong', {}, e.kind.replaceAll('_', ' ')),
        e.rule ? ` ${e.rule}` : '', e.detail ? `: ${e.detail}` : ''));
    }
    const commands = $('commands');
    commands.replaceChildren();
    for (const c of doc.commands.slice().reverse()) {
      commands.append(el('li', {}, time(c.at), el('strong', {}, c.who), ` ${c.command}`,
        c.accepted ? ' accepted' : ' refused', c.detail ? `: ${c.detail}` : ''));
    }
    if (!doc.commands.length) commands.append(el('li', { class: 'note' }, 'none yet'));
  }

  function chartSummary(c) {
    const agg = c.series.find((s) => s.aggregate);
    let latest = null;
    let points = 0;
    if (agg) {
      for (const v of agg.values) if (v !== null) { latest = v; points++; }
    }
    const parts = [`latest ${fmt.value(latest, c.unit)}`];
    if (c.threshold) parts.push(`threshold ${c.threshold.text}`);
    if (c.threshold_line) parts.push('moving drop threshold');
    parts.push(c.breaches.length
      ? `${c.breaches.length} breach period(s), last ${fmt.clock(c.breaches[c.breaches.length - 1].from)}–${fmt.clock(c.breaches[c.breaches.length - 1].to)} UTC`
      : 'no breach');
    if (c.omitted_targets) parts.push(`${c.omitted_targets} more targets not shown`);
    if (c.error) parts.push(`error: ${c.error}`);
    return { text: parts.join('; '), points };
  }

  function renderCharts() {
    const box = $('charts');
    for (const c of doc.charts) {
      let fig = document.getElementById('chart-' + c.id);
      if (!fig) {
        fig = el('figure', { class: 'chart', id: 'chart-' + c.id },
          el('figcaption', {}, el('strong', {}, c.title), c.caption),
          el('div', { class: 'plot' }), el('p', { class: 'chart-summary' }));
        box.append(fig);
      }
      const summary = chartSummary(c);
      fig.dataset.points = String(summary.points);
      fig.dataset.series = String(c.series.length);
      fig.dataset.breaches = String(c.breaches.length);
      fig.dataset.threshold = c.threshold ? String(c.threshold.value) : (c.threshold_line ? 'moving' : '');
      fig.querySelector('.chart-summary').textContent = summary.text;
      charts.render(fig.querySelector('.plot'), c, doc.markers, fmt);
    }
  }

  function render() {
    renderIdentity();
    renderIncident();
    renderRules();
    renderTimeline();
    renderCharts();
  }

  function tick() {
    const f = $('freshness');
    if (doc && failures === 0) {
      f.textContent = `updated ${fmt.duration(Date.now() - receivedAt)} ago`;
      f.classList.remove('stale');
    }
    const cd = $('countdown');
    if (cd && doc && doc.incident && doc.incident.next_step) cd.textContent = countdownText(doc.incident.next_step);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  async function poll() {
    if (document.hidden) { paused = true; return; }   // nobody looks: no requests
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      const r = await fetch(DOC_PATH, { cache: 'no-store', signal: abort.signal });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      doc = await r.json();
      receivedAt = Date.now();
      failures = 0;
      render();
      tick();
      schedule(POLL_MS);
    } catch (e) {
      failures++;
      const wait = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failures) * (0.75 + Math.random() * 0.5);
      const f = $('freshness');
      f.textContent = `no answer from the agent (${e.message || e}); retrying in ${fmt.duration(wait)}`;
      f.classList.add('stale');
      schedule(wait);
    } finally {
      clearTimeout(deadline);
    }
  }

  // --- commands ---------------------------------------------------------------------
  const PROMPTS = {
    hold: 'Hold: the agent will not roll back by itself until the hold ends.',
    release: 'Release the hold: a rollback that is due happens at the next tick.',
    rollback: 'Roll back now: traffic moves to blue.',
  };

  function openDialog(command) {
    pendingCommand = command;
    $('dialog-title').textContent = { hold: 'Hold', release: 'Release', rollback: 'Roll back' }[command];
    $('dialog-text').textContent = PROMPTS[command] + (token ? ' (token remembered in this tab)' : '');
    $('token-input').value = '';
    $('token-input').parentElement.hidden = token !== null;
    $('for-label').hidden = command !== 'hold';
    $('dialog-error').textContent = '';
    $('token-dialog').showModal();
    (token ? $('who-input') : $('token-input')).focus();
  }

  async function send(event) {
    event.preventDefault();
    const command = pendingCommand;
    const candidate = token || $('token-input').value.trim();
    if (!candidate) {
      $('dialog-error').textContent = `Refused: an API token is needed to ${command === 'rollback' ? 'roll back' : command}.`;
      return;
    }
    const body = { who: $('who-input').value.trim() || 'dashboard', reason: $('reason-input').value.trim() };
    if (command === 'hold') body.for = $('for-input').value.trim() || '10m';
    $('dialog-submit').disabled = true;
    try {
      const r = await fetch(`v1/${command}`, {
        method: 'POST', cache: 'no-store',
        headers: { 'Authorization': `Bearer ${candidate}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      let reply = {};
      try { reply = await r.json(); } catch (_) { /* a plain-text answer */ }
      if (r.status === 401 || r.status === 403) {
        token = null;
        $('forget').hidden = true;
        $('dialog-error').textContent = `Refused (${r.status}): ${reply.error || 'wrong token'}.`;
        $('token-input').parentElement.hidden = false;
        return;
      }
      if (!r.ok || reply.ok === false) {
        $('dialog-error').textContent = `Refused (${r.status}): ${reply.error || 'the agent said no'}.`;
        return;
      }
      token = candidate;
      $('forget').hidden = false;
      $('token-dialog').close();
      const status = $('command-status');
      status.classList.remove('refused');
      status.textContent = `${command} by ${body.who} accepted at ${fmt.clock(Date.now())} UTC` +
        (reply.reason ? `: ${reply.reason}` : '');
      poll();
    } catch (e) {
      $('dialog-error').textContent = `Could not reach the agent: ${e.message || e}`;
    } finally {
      $('dialog-submit').disabled = false;
    }
  }

  function start() {
    if (charts.flavor === 'plain') $('flavor-note').hidden = false;
    for (const b of document.querySelectorAll('[data-command]')) {
      b.addEventListener('click', () => openDialog(b.dataset.command));
    }
    $('forget').addEventListener('click', () => { token = null; $('forget').hidden = true; });
    $('token-form').addEventListener('submit', send);
    $('dialog-cancel').addEventListener('click', () => $('token-dialog').close());
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && paused) { paused = false; poll(); }
    });
    setInterval(tick, 1000);
    poll();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
