// Hand-written SVG charts (no library): grouped vertical bars and horizontal bars.
import { h } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const k of kids.flat()) if (k != null) el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return el;
}

/** A "nice" upper bound and tick step for max. */
function scale(max) {
  if (max <= 0) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((v) => v >= raw);
  return { top: step * 4, step };
}

const compact = new Intl.NumberFormat('es-PE', { notation: 'compact', maximumFractionDigits: 1 });

/**
 * Grouped bars. labels: x labels; series: [{name, color, values}]; format: value tooltip.
 */
/** The drawing width in CSS pixels (so text keeps its size): share of the main column. */
function widthFor(share) {
  const main = document.getElementById('main')?.clientWidth ?? 800;
  const phone = window.matchMedia('(max-width: 640px)').matches;
  return Math.round(Math.max(300, Math.min(1400, (phone ? main - 40 : main * share - 64))));
}

export function barChart({ labels, series, format = (v) => String(v), title, share = 1 }) {
  const W = widthFor(share), H = 250, L = 56, R = 8, T = 12, B = 34;
  const max = Math.max(0, ...series.flatMap((x) => x.values.map((v) => Math.max(0, v))));
  const { top, step } = scale(max);
  const plotW = W - L - R, plotH = H - T - B;
  const groupW = plotW / Math.max(labels.length, 1);
  const barW = Math.max(2, Math.min(28, (groupW * 0.75) / series.length));
  const y = (v) => T + plotH - (Math.max(0, v) / top) * plotH;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, role: 'img', 'aria-label': title ?? series.map((x) => x.name).join(' y ') });
  for (let v = 0; v <= top + 1e-9; v += step) {
    svg.append(s('line', { class: v === 0 ? 'axis' : 'grid-line', x1: L, x2: W - R, y1: y(v), y2: y(v) }),
      s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, compact.format(v)));
  }
  const every = Math.ceil(labels.length / Math.max(1, Math.floor(plotW / 60))); // room for "sep. 26"
  labels.forEach((label, i) => {
    const gx = L + i * groupW + (groupW - barW * series.length) / 2;
    series.forEach((ser, j) => {
      const v = ser.values[i] ?? 0;
      const bar = s('rect', { x: gx + j * barW, y: y(v), width: barW - 1, height: Math.max(0, T + plotH - y(v)), fill: ser.color, rx: 2 },
        s('title', {}, `${label} · ${ser.name}: ${format(v)}`));
      svg.append(bar);
    });
    if (i % every === 0) svg.append(s('text', { x: L + i * groupW + groupW / 2, y: H - B + 16, 'text-anchor': 'middle' }, label));
  });
  return h('figure', { class: 'chart', style: 'margin:0' }, svg,
    h('figcaption', { class: 'legend' }, series.map((x) => h('span', { style: `--c:${x.color}` }, x.name))));
}

/** Horizontal bars for rankings: items [{label, value}]. */
export function hBarChart(items, { color = '#1d4ed8', format = (v) => String(v), title, share = 1 } = {}) {
  const W = widthFor(share), row = 28, L = Math.min(190, W * 0.4), R = 96;
  const H = Math.max(row, items.length * row) + 6;
  const max = Math.max(1, ...items.map((i) => i.value));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, role: 'img', 'aria-label': title ?? '' });
  items.forEach((it, i) => {
    const w = ((W - L - R) * Math.max(0, it.value)) / max;
    const yy = 3 + i * row;
    const label = it.label.length > 26 ? it.label.slice(0, 25) + '…' : it.label;
    svg.append(s('text', { x: L - 8, y: yy + 16, 'text-anchor': 'end' }, label, s('title', {}, it.label)),
      s('rect', { x: L, y: yy + 3, width: Math.max(1, w), height: row - 8, fill: color, rx: 2 }),
      s('text', { x: L + w + 6, y: yy + 16 }, format(it.value)));
  });
  return h('figure', { class: 'chart', style: 'margin:0' }, svg);
}
