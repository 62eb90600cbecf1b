// Charts drawn with uPlot: the aggregate thick, each target dashed, the threshold as a
// dashed line, breach periods hatched, decision moments as labelled vertical lines.
import uPlot from 'uplot';

const AGGREGATE = '#0072B2';
// Okabe-Ito colours and distinct dashes: targets stay apart without colour vision.
const TARGETS = ['#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000'];
const DASHES = [[6, 3], [2, 3], [8, 3, 2, 3], [12, 4], [4, 2, 1, 2], [1, 2]];
const THRESHOLD = '#D55E00';
const BREACH = 'rgba(214, 39, 40, 0.13)';
const HEIGHT = 240;

function times(axis) {
  const out = new Array(axis.count);
  for (let i = 0; i < axis.count; i++) out[i] = (axis.start + i * axis.step) / 1000;
  return out;
}

function shadeBreaches(u, chart) {
  const { ctx, bbox } = u;
  ctx.save();
  for (const b of chart.breaches) {
    const x0 = Math.max(u.valToPos(b.from / 1000, 'x', true), bbox.left);
    const x1 = Math.min(u.valToPos(b.to / 1000, 'x', true), bbox.left + bbox.width);
    const w = Math.max(x1 - x0, 2);
    ctx.fillStyle = BREACH;
    ctx.fillRect(x0, bbox.top, w, bbox.height);
    // Hatching: the band reads as a breach in grey too.
    ctx.beginPath();
    ctx.rect(x0, bbox.top, w, bbox.height);
    ctx.clip();
    ctx.strokeStyle = 'rgba(214, 39, 40, 0.35)';
    ctx.lineWidth = 1;
    for (let x = x0 - bbox.height; x < x0 + w; x += 8) {
      ctx.moveTo(x, bbox.top + bbox.height);
      ctx.lineTo(x + bbox.height, bbox.top);
    }
    ctx.stroke();
    ctx.restore();
    ctx.save();
    ctx.fillStyle = '#b31b1b';
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    if (w > 50 * devicePixelRatio) ctx.fillText('breach', x0 + 4, bbox.top + 14 * devicePixelRatio);
  }
  ctx.restore();
}

function drawMarkers(u, markers, fmt) {
  const { ctx, bbox } = u;
  const [min, max] = [u.scales.x.min, u.scales.x.max];
  ctx.save();
  ctx.strokeStyle = '#333';
  ctx.fillStyle = '#222';
  ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
  ctx.font = `${10 * devicePixelRatio}px sans-serif`;
  // Labels of markers close together go on successive rows, so none hides another.
  let row = 0;
  let lastX = -Infinity;
  for (const m of markers) {
    const t = m.at / 1000;
    if (t < min || t > max) continue;
    const x = u.valToPos(t, 'x', true);
    row = Math.abs(x - lastX) < 160 * devicePixelRatio ? row + 1 : 0;
    lastX = x;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    const label = `${m.label} ${fmt.clock(m.at)}`;
    const y = bbox.top + (14 + 12 * (row % 8)) * devicePixelRatio;
    const right = x > bbox.left + bbox.width / 2;
    ctx.textAlign = right ? 'right' : 'left';
    ctx.fillText(label, right ? x - 4 : x + 4, y);
  }
  ctx.restore();
}

// The legend shows the value under the cursor, and a dash while the cursor is elsewhere.
function legendValue(v, chart, fmt) {
  return v === null || v === undefined ? '–' : fmt.value(v, chart.unit);
}

function options(chart, markers, fmt, width) {
  const series = [{ label: 'time (UTC)', value: (u, v) => (v === null ? '–' : fmt.clock(v * 1000)) }];
  let target = 0;
  for (const s of chart.series) {
    if (s.aggregate) {
      series.push({ label: s.name === 'all' ? 'all targets' : s.name, stroke: AGGREGATE, width: 2.5,
        value: (u, v) => legendValue(v, chart, fmt), points: { show: false } });
    } else {
      const k = target++ % TARGETS.length;
      series.push({ label: s.name, stroke: TARGETS[k], width: 1.5, dash: DASHES[k],
        value: (u, v) => legendValue(v, chart, fmt), points: { show: false } });
    }
  }
  if (chart.threshold) {
    series.push({ label: `threshold ${chart.threshold.text}`, stroke: THRESHOLD, width: 1.5, dash: [6, 4],
      value: () => chart.threshold.text, points: { show: false } });
  } else if (chart.threshold_line) {
    series.push({ label: 'drop threshold', stroke: THRESHOLD, width: 1.5, dash: [6, 4],
      value: (u, v) => legendValue(v, chart, fmt), points: { show: false } });
  }
  return {
    width, height: HEIGHT, series,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    scales: {
      y: {
        range: (u, min, max) => {
          const top = Math.max(max || 0, chart.threshold ? chart.threshold.value : 0) * 1.15;
          return [0, top > 0 ? top : 1];
        },
      },
    },
    axes: [
      { stroke: '#333', grid: { stroke: '#eee' },
        values: (u, ticks) => ticks.map((t) => fmt.clock(t * 1000).substring(0, 5)) },
      { stroke: '#333', grid: { stroke: '#eee' }, size: 72,
        values: (u, ticks) => ticks.map((v) => fmt.value(v, chart.unit)) },
    ],
    hooks: {
      drawClear: [(u) => shadeBreaches(u, u._nova.chart)],
      draw: [(u) => drawMarkers(u, u._nova.markers, fmt)],
    },
  };
}

function data(chart) {
  const out = [times(chart.axis)];
  for (const s of chart.series) out.push(s.values);
  if (chart.threshold) out.push(new Array(chart.axis.count).fill(chart.threshold.value));
  else if (chart.threshold_line) out.push(chart.threshold_line.values);
  return out;
}

function render(holder, chart, markers, fmt) {
  const key = chart.series.map((s) => s.name).join('\n') + '|' + (chart.threshold ? chart.threshold.text : '') +
    '|' + (chart.threshold_line ? 'line' : '');
  if (holder._plot && holder._key !== key) {
    holder._plot.destroy();
    holder._plot = null;
  }
  if (!holder._plot) {
    holder._plot = new uPlot(options(chart, markers, fmt, holder.clientWidth || 600), data(chart), holder);
    holder._plot._nova = { chart, markers };
    holder._key = key;
    holder.setAttribute('role', 'img');
    holder.setAttribute('aria-label', `${chart.title} chart`);
    new ResizeObserver(() => {
      if (holder._plot && holder.clientWidth) holder._plot.setSize({ width: holder.clientWidth, height: HEIGHT });
    }).observe(holder);
    return;
  }
  holder._plot._nova = { chart, markers };
  holder._plot.setData(data(chart));
}

window.NovaCharts = { flavor: 'charts', render };
