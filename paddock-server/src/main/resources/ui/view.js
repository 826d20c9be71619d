// What every view shares: the main element, the page a view draws into it, and what the view started (timers,
// streams, sockets), stopped when another view replaces it.
import { Problem, follow, post } from './api.js';
import { bar, el, errorBox, say } from './dom.js';

export const main = document.getElementById('main');
let cleanups = [];

/** Runs stop when the view on screen is replaced. */
export function onLeave(stop) { cleanups.push(stop); }

/** Stops what the view on screen started. */
export function leave() {
  cleanups.forEach((stop) => stop());
  cleanups = [];
}

/**
 * Redraws a part of the page every ms, but not while the keyboard's focus is inside it: a redraw would take the
 * focus away from someone about to press a button there.
 */
export function every(ms, part, draw) {
  const timer = setInterval(() => {
    if (focusedIn(part)) return;
    draw().catch(() => {});
  }, ms);
  onLeave(() => clearInterval(timer));
}

/**
 * Redraws a part of the page soon after something happened on the server (a burst of events makes one redraw),
 * not while the keyboard's focus is inside it: the next event or the timer's redraw catches up.
 */
export function soon(ms, part, draw) {
  let timer = null;
  onLeave(() => clearTimeout(timer));
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!focusedIn(part)) draw().catch(() => {});
    }, ms);
  };
}

function focusedIn(part) {
  return part.contains(document.activeElement) && document.activeElement !== part;
}

/** Replaces the main content with a page: its heading gets the focus, so a screen reader starts there. */
export function page(title, ...content) {
  document.title = `${title} · Paddock`;
  const heading = el('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading, ...content);
  heading.focus();
  return heading;
}

/** Settles a promise; a part the caller may not read (403) or the server lacks shows as absent. */
export async function optional(promise, absent) {
  try { return await promise; } catch (e) {
    if (e instanceof Problem && e.status !== 401) return absent;
    throw e;
  }
}

export function fact(term, value) {
  return [el('dt', {}, term), el('dd', {}, value)];
}

/** A live progress bar of one operation (server-sent events), with cancel; calls onFinal once it ends. */
export function operationProgress(op, label, onFinal) {
  const box = el('div', { class: 'operation card', role: 'group', tabindex: '-1', 'aria-label': `Operation ${label}` });
  let finished = false;
  const draw = (now) => {
    const cancel = now.isFinal ? '' : el('button', { type: 'button', class: 'quiet', onclick: async () => {
      try { await post(`/operations/${encodeURIComponent(now.id)}/cancel`); } catch (e) { box.append(errorBox(e)); }
    } }, 'Cancel');
    box.replaceChildren(
      el('p', {}, `${now.kind}: `, el('strong', { class: `state ${now.state.toLowerCase()}`, 'data-testid': 'operation-state' },
        now.state.toLowerCase()), ` — step ${now.stepsDone} of ${now.stepsTotal}`),
      bar(`Progress of ${label}`, now.progress, '', true),
      now.error ? el('p', { class: 'error' }, now.error) : '', cancel);
    if (now.isFinal && !finished) {
      finished = true;
      say(`Operation ${label} ${now.state.toLowerCase()}`);
      if (onFinal) onFinal(now);
    }
  };
  draw(op);
  onLeave(follow(op.id, draw));
  return box;
}
