// Small helpers that draw DOM: every text goes in as text, never as HTML.
let ids = 0;

/** An element with attributes (on… functions become listeners; null leaves an attribute out) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false || child === '') continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function link(href, ...content) {
  const attrs = content.length > 1 && content.at(-1) && content.at(-1).constructor === Object ? content.pop() : {};
  return el('a', { href, ...attrs }, ...content);
}

/** A labelled form control, with an optional hint the control is described by. */
export function field(label, control, hint) {
  const id = control.id || `field-${++ids}`;
  control.id = id;
  const parts = [el('label', { for: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    parts.push(el('small', { id: hintId }, hint));
  }
  return el('div', { class: 'field' }, ...parts);
}

/** A table with a caption and column headers; an empty header is named for screen readers only. */
export function table(caption, headers, rows, attrs = {}) {
  return el('table', attrs,
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h || el('span', { class: 'visually-hidden' }, 'Actions'))))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c, i) => (i === 0
      ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))));
}

/** A used-of-total bar (or, with progress, how far work went): the figure is text, the bar only shows it. */
export function bar(label, fraction, of, progress = false) {
  const known = typeof fraction === 'number' && Number.isFinite(fraction);
  const fill = el('span', { class: `fill ${!progress && known && fraction > 0.85 ? 'high' : ''}` });
  fill.style.width = known ? `${Math.min(100, Math.max(0, fraction * 100)).toFixed(1)}%` : '0';
  const text = known ? `${percent(fraction)}${of ? ` of ${of}` : ''}` : of ? `${of}, use not measured` : 'not measured';
  return el('span', { class: 'meter', title: label },
    el('span', { class: 'track', 'aria-hidden': 'true' }, fill),
    el('span', { class: 'figure' }, el('span', { class: 'visually-hidden' }, `${label}: `), text));
}

export function percent(fraction) {
  return `${Math.round(fraction * 100)} %`;
}

export function mib(value) {
  return value >= 1024 ? `${+(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}

export function bytes(value) {
  return mib(value / 1048576);
}

export function when(instant) {
  if (!instant) return '—';
  const date = new Date(instant);
  return el('time', { datetime: instant }, date.toLocaleString());
}

/** Tells a screen reader what just happened, without moving the focus. */
export function say(text) {
  const status = document.getElementById('status');
  status.textContent = '';
  setTimeout(() => { status.textContent = text; }, 50);
}

/** The server's sentence for a refusal (problem+json 'detail'), or the error's own. */
export function errorBox(error) {
  return el('div', { class: 'error', role: 'alert' }, el('p', {}, error.message || String(error)));
}
