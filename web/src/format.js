// Numbers and times as people read them; the same rules as the agent's own formatter
// (agent/dashboard/src/units.cpp): three significant digits, units always shown.
window.NovaFormat = (function () {
  'use strict';
  function significant(v) {
    if (Math.abs(v) >= 1000) return String(Math.round(v));
    return String(Number(v.toPrecision(3)));
  }
  function value(v, unit) {
    if (v === null || v === undefined || Number.isNaN(v)) return 'no value';
    switch (unit) {
      case 'seconds': return Math.abs(v) < 1 ? significant(v * 1000) + ' ms' : significant(v) + ' s';
      case 'ratio': return significant(v * 100) + ' %';
      case 'count': return Number.isInteger(v) ? String(v) : significant(v);
      default: return significant(v);
    }
  }
  function duration(ms) {
    if (ms <= 0) return '0s';
    let s = Math.round(ms / 1000);
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    return (h ? h + 'h' : '') + (m ? m + 'm' : '') + (s || (!h && !m) ? s + 's' : '');
  }
  function clock(ms) {
    return new Date(ms).toISOString().substring(11, 19);
  }
  return { value, duration, clock };
})();
