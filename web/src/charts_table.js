// The plain page's charts: each series summarised in a table (latest, lowest, highest over
// the window) with the threshold and the breach periods. Used where the agent was built
// without npm, so without the chart library.
window.NovaCharts = (function () {
  'use strict';
  function stats(values) {
    let latest = null, min = null, max = null;
    for (const v of values) {
      if (v === null) continue;
      latest = v;
      min = min === null ? v : Math.min(min, v);
      max = max === null ? v : Math.max(max, v);
    }
    return { latest, min, max };
  }
  function cell(tag, text) {
    const e = document.createElement(tag);
    e.textContent = text;
    if (tag === 'th') e.scope = 'row';
    return e;
  }
  function render(holder, chart, markers, fmt) {
    const table = document.createElement('table');
    table.className = 'plain-chart';
    const head = table.createTHead().insertRow();
    for (const h of ['series', 'latest', 'lowest', 'highest']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      head.append(th);
    }
    const body = table.createTBody();
    const rows = chart.series.slice();
    if (chart.threshold_line) rows.push({ name: 'drop threshold', values: chart.threshold_line.values });
    for (const s of rows) {
      const st = stats(s.values);
      const tr = body.insertRow();
      tr.append(cell('th', s.aggregate ? 'all targets' : s.name),
        cell('td', fmt.value(st.latest, chart.unit)), cell('td', fmt.value(st.min, chart.unit)),
        cell('td', fmt.value(st.max, chart.unit)));
    }
    if (chart.threshold) {
      const tr = body.insertRow();
      tr.append(cell('th', 'threshold'), cell('td', chart.threshold.text), cell('td', ''), cell('td', ''));
    }
    for (const b of chart.breaches) {
      const tr = body.insertRow();
      tr.append(cell('th', 'breach'), cell('td', `${fmt.clock(b.from)}–${fmt.clock(b.to)} UTC`), cell('td', ''), cell('td', ''));
    }
    holder.replaceChildren(table);
  }
  return { flavor: 'plain', render };
})();
