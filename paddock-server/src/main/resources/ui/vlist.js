// A table that draws only the rows in view, for lists of any length read page by page from the server.
import { el } from './dom.js';

/** Rows drawn above and below the ones in view, so scrolling and Tab find the next rows already there. */
const OVERSCAN = 8;
/** A row's height until one is measured (app.css gives the rows one height). */
const GUESS = 37;

/**
 * A scrolling table of rows drawn from items as they come into view: the rows above and below the scroll box are
 * empty spacer rows hidden from screen readers, while the table tells them how many rows the whole list has
 * (aria-rowcount) and where each drawn row is in it (aria-rowindex). The keyboard moves between rows with the
 * arrow keys, Page Up/Down, Home and End, which scroll and draw as they go; moving past the last row read asks
 * for more (wantMore), and the focus lands there once it is read.
 *
 * @param cells an item's cells, the first of which heads its row
 * @param wantMore called when the rows in view come near the last item read and more are to be had
 * @param onDraw called with the first and last row in view (from 1) and how many items are read
 */
export function virtualTable({ caption, label, headers, className, cells, wantMore, onDraw = () => {} }) {
  const hintId = `${className}-keys`;
  const spacer = () => el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: String(headers.length) }));
  const above = spacer();
  const below = spacer();
  const body = el('tbody', {}, above, below);
  const table = el('table', { class: className, 'aria-rowcount': '1' },
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', { 'aria-rowindex': '1' }, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    body);
  const box = el('div', { class: 'vlist', role: 'region', tabindex: '0', 'aria-label': label, 'aria-describedby': hintId },
    table);
  const hint = el('p', { id: hintId, class: 'visually-hidden' },
    'Arrow keys, Page Up, Page Down, Home and End move between rows; more rows are read as you go.');
  const drawn = new Map();
  let items = [];
  let more = false;
  let rowHeight = 0;
  let pendingFocus = null;
  let frame = 0;

  const heightOfRow = () => {
    if (!rowHeight) {
      const first = drawn.values().next().value;
      if (first) rowHeight = first.getBoundingClientRect().height;
    }
    return rowHeight || GUESS;
  };
  const headHeight = () => table.tHead.getBoundingClientRect().height;
  const rowOf = (i) => el('tr', { 'aria-rowindex': String(i + 2) }, ...cells(items[i]).map((content, k) => (k === 0
    ? el('th', { scope: 'row' }, content) : el('td', {}, content))));

  /** Draws the rows in view and a few around them, keeping the rows already drawn (and the focus in them). */
  const draw = () => {
    const h = heightOfRow();
    const first = Math.max(0, Math.floor(box.scrollTop / h) - OVERSCAN);
    const end = Math.min(items.length, Math.ceil((box.scrollTop + box.clientHeight) / h) + OVERSCAN);
    for (const [i, tr] of drawn) {
      if (i < first || i >= end) {
        // a row scrolled far away takes the focus with it: the box keeps it, and the keys go on from the rows in view
        const focused = tr.contains(document.activeElement);
        tr.remove();
        drawn.delete(i);
        if (focused) box.focus({ preventScroll: true });
      }
    }
    let last = above;
    for (let i = first; i < end; i++) {
      let tr = drawn.get(i);
      if (!tr) {
        tr = rowOf(i);
        last.after(tr);
        drawn.set(i, tr);
      }
      last = tr;
    }
    above.firstChild.style.height = `${first * h}px`;
    below.firstChild.style.height = `${(items.length - end) * h}px`;
    if (h === GUESS && !rowHeight && Math.abs(heightOfRow() - GUESS) > 0.5) {
      // the first rows drawn in the page give the real height: draw again with it
      draw();
      return;
    }
    const inView = Math.min(items.length, Math.floor((box.scrollTop + box.clientHeight - headHeight()) / h));
    onDraw(items.length ? Math.min(items.length, Math.floor(box.scrollTop / h) + 1) : 0, inView, items.length);
    if (more && end + OVERSCAN >= items.length) wantMore();
  };

  /** Scrolls row i fully into view below the sticky header, draws, and focuses its first control. */
  const focusRow = (i) => {
    const h = heightOfRow();
    if (i * h < box.scrollTop) box.scrollTop = i * h;
    else if (headHeight() + (i + 1) * h > box.scrollTop + box.clientHeight) {
      box.scrollTop = headHeight() + (i + 1) * h - box.clientHeight;
    }
    draw();
    const tr = drawn.get(i);
    if (tr) (tr.querySelector('a, button, input, [tabindex]') || tr).focus({ preventScroll: true });
  };

  box.addEventListener('scroll', () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(draw);
  });
  box.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || !items.length) return;
    const tr = event.target.closest('tr[aria-rowindex]');
    if (event.target === box) {
      // from the box itself, the keys start at the first row in view
      if (!['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'].includes(event.key)) return;
      event.preventDefault();
      focusRow(event.key === 'End' ? items.length - 1 : event.key === 'Home' ? 0
        : Math.min(items.length - 1, Math.floor(box.scrollTop / heightOfRow())));
      return;
    }
    if (!tr || tr.parentElement !== body) return;
    const i = Number(tr.getAttribute('aria-rowindex')) - 2;
    const page = Math.max(1, Math.floor((box.clientHeight - headHeight()) / heightOfRow()) - 1);
    const to = { ArrowDown: i + 1, ArrowUp: i - 1, PageDown: i + page, PageUp: i - page, Home: 0, End: items.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    if (to >= items.length && more) {
      pendingFocus = to;
      focusRow(items.length - 1);
      wantMore();
      return;
    }
    focusRow(Math.max(0, Math.min(items.length - 1, to)));
  });
  window.addEventListener('resize', draw);

  return {
    element: el('div', {}, hint, box),
    /** A new list: its whole length (for screen readers), its first items, whether more are to be had. */
    reset(total, first, hasMore) {
      items = first.slice();
      more = hasMore;
      pendingFocus = null;
      drawn.forEach((tr) => tr.remove());
      drawn.clear();
      table.setAttribute('aria-rowcount', String(total + 1));
      box.scrollTop = 0;
      draw();
    },
    /** The next items read. */
    append(next, hasMore) {
      items.push(...next);
      more = hasMore;
      draw();
      if (pendingFocus !== null) {
        const to = Math.min(pendingFocus, items.length - 1);
        pendingFocus = null;
        focusRow(to);
      }
    },
    /** Draws again, for example once a read that was refused or overtaken is over. */
    draw,
    stop() {
      window.removeEventListener('resize', draw);
      cancelAnimationFrame(frame);
    },
  };
}
