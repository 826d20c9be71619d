// Usage over time as inline SVG line charts, drawn from GET /hosts/{id}/usage or /vms/{id}/usage: CPU, memory,
// disk and network, each with its figures in a table a screen reader (or anyone) can open.
import { get } from './api.js';
import { el, percent } from './dom.js';
import { every } from './view.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 560;
const HEIGHT = 150;
const LEFT = 78;
const BOTTOM = 22;
/** The spans offered, each with the step that gives it about 180 points. */
const SPANS = [['15m', 'the last 15 minutes', '5s'], ['1h', 'the last hour', '20s'], ['6h', 'the last 6 hours', '2m'],
  ['24h', 'the last day', '8m']];

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Bytes with the unit that keeps the figure short, to one decimal. */
function bytes(value) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let amount = value;
  let unit = 0;
  while (Math.abs(amount) >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit += 1;
  }
  return `${+amount.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

const rate = (value) => `${bytes(value)}/s`;

/** What each chart draws: its series (a field of the points, a name, a class for its colour) and its unit. */
function charts(latest) {
  const memory = latest && latest.memoryBytes ? latest.memoryBytes : 0;
  return [
    { title: 'CPU', format: (v) => percent(v), top: 1, series: [['cpu', 'CPU used', 'one']] },
    { title: 'Memory', format: bytes, top: memory, series: [['memoryUsedBytes', 'memory used', 'one']],
      note: memory ? `of ${bytes(memory)}` : '' },
    { title: 'Disk', format: rate, series: [['diskReadRate', 'read', 'one'], ['diskWriteRate', 'written', 'two']] },
    { title: 'Network', format: rate,
      series: [['networkReceiveRate', 'received', 'one'], ['networkTransmitRate', 'sent', 'two']] },
  ];
}

/** One chart: lines over the span, the top value and the span's ends as text, the figures in a table below. */
function chart(spec, points, from, to, subject) {
  const values = spec.series.flatMap(([key]) => points.map((p) => p[key]).filter((v) => typeof v === 'number'));
  const top = Math.max(spec.top || 0, ...values, 1e-9);
  // a subject watched for less than the span starts at its first sample, so its lines use the chart's width
  const start = Math.max(Date.parse(from), points.length ? Date.parse(points[0].at) : 0);
  const span = Math.max(1, Date.parse(to) - start);
  const x = (at) => LEFT + ((Date.parse(at) - start) / span) * (WIDTH - LEFT - 8);
  const y = (v) => 8 + (1 - v / top) * (HEIGHT - BOTTOM - 8);
  const lines = spec.series.map(([key, , colour]) => svg('polyline', { class: `line ${colour}`, fill: 'none',
    points: points.filter((p) => typeof p[key] === 'number').map((p) => `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ') }));
  const latest = points.at(-1);
  const now = spec.series.map(([key, name]) => `${name} ${latest && typeof latest[key] === 'number' ? spec.format(latest[key]) : 'not measured'}`);
  const id = `chart-${subject}-${spec.title}`.replace(/[^A-Za-z0-9-]/g, '-');
  const summary = points.length
    ? `${spec.title} of ${subject} over ${points.length} samples: now ${now.join(', ')}; at most ${spec.format(Math.max(0, ...values))}.`
    : `${spec.title} of ${subject}: no samples in this span.`;
  const picture = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${id}-title`, class: 'chart' },
    svg('title', { id: `${id}-title` }, summary),
    svg('line', { class: 'axis', x1: LEFT, y1: HEIGHT - BOTTOM, x2: WIDTH - 8, y2: HEIGHT - BOTTOM }),
    svg('line', { class: 'axis', x1: LEFT, y1: 8, x2: LEFT, y2: HEIGHT - BOTTOM }),
    svg('text', { x: LEFT - 6, y: 16, 'text-anchor': 'end' }, spec.format(top)),
    svg('text', { x: LEFT - 6, y: HEIGHT - BOTTOM, 'text-anchor': 'end' }, spec.format(0)),
    svg('text', { x: LEFT, y: HEIGHT - 6 }, clock(start)),
    svg('text', { x: WIDTH - 8, y: HEIGHT - 6, 'text-anchor': 'end' }, clock(Date.parse(to))),
    ...lines);
  const legend = el('p', { class: 'legend' }, ...spec.series.map(([, name, colour], i) =>
    el('span', {}, el('span', { class: `swatch ${colour}`, 'aria-hidden': 'true' }), ` ${now[i]}`)), spec.note ? ` ${spec.note}` : '');
  const figures = el('details', {}, el('summary', {}, `${spec.title}: the figures`),
    el('table', {}, el('caption', { class: 'visually-hidden' }, `${spec.title} of ${subject}`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Time'), ...spec.series.map(([, name]) => el('th', { scope: 'col' }, name)))),
      el('tbody', {}, ...points.slice(-60).map((p) => el('tr', {}, el('th', { scope: 'row' }, clock(Date.parse(p.at))),
        ...spec.series.map(([key]) => el('td', {}, typeof p[key] === 'number' ? spec.format(p[key]) : '—')))))));
  return el('figure', { class: 'usage', 'data-testid': `chart-${spec.title.toLowerCase()}` },
    el('figcaption', {}, spec.title), picture, legend, figures);
}

/** The usage section of a host's or a VM's page ("hosts" or "vms"), redrawn every 10 s while it is shown. */
export async function usageSection(collection, id, subject) {
  const choice = el('select', { name: 'span' }, ...SPANS.map(([value, label]) => el('option', { value, selected: value === '15m' ? '' : null }, label)));
  const grid = el('div', { class: 'charts' });
  const section = el('section', { 'aria-labelledby': 'usage' }, el('h2', { id: 'usage' }, 'Usage'),
    el('div', { class: 'bar-form' }, el('div', { class: 'field' }, el('label', { for: 'usage-span' }, 'Over'), choice)), grid);
  choice.id = 'usage-span';
  const draw = async () => {
    let usage;
    try {
      const step = SPANS.find(([value]) => value === choice.value)[2];
      usage = await get(`/${collection}/${encodeURIComponent(id)}/usage?from=${choice.value}&step=${step}`);
    } catch (e) {
      grid.replaceChildren(el('p', { class: 'muted' }, `No usage: ${e.message}`));
      return;
    }
    const open = new Set([...grid.querySelectorAll('details[open] summary')].map((s) => s.textContent));
    grid.replaceChildren(...charts(usage.latest).map((spec) => chart(spec, usage.points, usage.from, usage.to, subject)));
    grid.querySelectorAll('details summary').forEach((s) => { if (open.has(s.textContent)) s.parentElement.open = true; });
  };
  choice.addEventListener('change', draw);
  await draw();
  every(10000, grid, draw);
  return section;
}
