// A running VM's serial console in the page: the bytes the guest prints, drawn as a small terminal, and the keys
// typed into it sent back, over the server's WebSocket of binary frames (/vms/{id}/console/serial).
import { get } from './api.js';
import { el, errorBox, field, link, say } from './dom.js';
import { main, onLeave, page } from './view.js';

/** Lines the screen keeps; older ones scroll away. */
const KEPT_LINES = 2000;

/**
 * The terminal's text: lines and a cursor, fed the decoded output. It honours what a boot log and a shell's line
 * editing use (newline, carriage return, backspace, tab) and drops the other control and escape sequences (colours,
 * cursor moves), which a screen of plain text cannot show.
 */
export class Screen {
  constructor() {
    this.lines = [''];
    this.column = 0;
    this.pending = '';
  }

  feed(text) {
    let input = this.pending + text;
    this.pending = '';
    // an escape sequence cut between two frames waits for its end
    const cut = input.match(/\x1b(\[[0-?]*[ -/]*|\][^\x07\x1b]*|\x1b?)$/);
    if (cut) {
      this.pending = cut[0];
      input = input.slice(0, cut.index);
    }
    input = input.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[^[\]]/g, '');
    for (const char of input) this.put(char);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
  }

  put(char) {
    const last = this.lines.length - 1;
    const line = this.lines[last];
    if (char === '\n') {
      this.lines.push('');
      this.column = 0;
    } else if (char === '\r') {
      this.column = 0;
    } else if (char === '\b') {
      this.column = Math.max(0, this.column - 1);
    } else if (char === '\t') {
      this.column += 8 - (this.column % 8);
      this.lines[last] = line.padEnd(this.column);
    } else if (char >= ' ' && char !== '\x7f') {
      this.lines[last] = line.slice(0, this.column).padEnd(this.column) + char + line.slice(this.column + 1);
      this.column += 1;
    }
  }

  text() {
    return this.lines.join('\n');
  }
}

/** The bytes a key sends to a serial terminal, or null for a key the page keeps (Tab moves the focus on). */
export function keyBytes(event) {
  if (event.metaKey || event.altKey) return null;
  const named = {
    Enter: '\r', Backspace: '\x7f', Escape: '\x1b', ArrowUp: '\x1b[A', ArrowDown: '\x1b[B', ArrowRight: '\x1b[C',
    ArrowLeft: '\x1b[D', Home: '\x1b[H', End: '\x1b[F', Delete: '\x1b[3~', PageUp: '\x1b[5~', PageDown: '\x1b[6~',
  };
  if (named[event.key]) return named[event.key];
  if (event.ctrlKey && /^[a-z]$/i.test(event.key)) return String.fromCharCode(event.key.toUpperCase().charCodeAt(0) - 64);
  if (!event.ctrlKey && event.key.length === 1) return event.key;
  return null;
}

function socketUrl(id, force) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/vms/${encodeURIComponent(id)}/console/serial${force ? '?force=true' : ''}`;
}

export async function consolePage(id) {
  const vm = await get(`/vms/${encodeURIComponent(id)}`);
  const screen = new Screen();
  // a log the reader reads when they choose: a guest printing every second would drown a live region
  const output = el('pre', { class: 'terminal', tabindex: '0', role: 'log', 'aria-live': 'off', 'data-testid': 'console-output',
    'aria-label': `Serial console of VM ${vm.name}`, 'aria-describedby': 'console-keys' });
  const state = el('p', { class: 'console-state', 'data-testid': 'console-state' }, 'Connecting…');
  const problem = el('div');
  const retry = el('div', { class: 'actions' });
  const line = el('input', { name: 'line', autocomplete: 'off', spellcheck: 'false' });
  const encoder = new TextEncoder();
  let socket = null;
  let left = false;
  let drawing = false;

  const draw = () => {
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(() => {
      drawing = false;
      const atEnd = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
      output.textContent = screen.text();
      if (atEnd) output.scrollTop = output.scrollHeight;
    });
  };
  const send = (text) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(encoder.encode(text));
  };
  const offer = (...buttons) => retry.replaceChildren(...buttons);
  const connect = (force) => {
    offer();
    problem.replaceChildren();
    state.textContent = force ? 'Taking the console over…' : 'Connecting…';
    const decoder = new TextDecoder('utf-8');
    let opened = false;
    socket = new WebSocket(socketUrl(id, force));
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      opened = true;
      state.textContent = 'Connected: what the guest prints shows below; keys typed there go to the guest.';
      say(`Console of ${vm.name} connected`);
    };
    socket.onmessage = (event) => {
      screen.feed(typeof event.data === 'string' ? event.data : decoder.decode(event.data, { stream: true }));
      draw();
    };
    socket.onclose = async (event) => {
      if (left) return;
      if (opened) {
        state.textContent = `Closed: ${event.reason || `the connection ended (${event.code})`}`;
        say(state.textContent);
        offer(el('button', { type: 'button', onclick: () => connect(false) }, 'Connect again'),
          el('button', { type: 'button', class: 'quiet', onclick: () => connect(true) }, 'Take it over'));
        return;
      }
      await refused(force);
    };
  };
  /**
   * A browser learns nothing of a refused upgrade but that it failed: the display's address, which the server
   * refuses for the same reasons (the VM does not run, its hypervisor has no consoles), tells why; when it answers,
   * the console itself was refused, most likely because another client holds it.
   */
  const refused = async (forced) => {
    let reason = null;
    try {
      await get(`/vms/${encodeURIComponent(id)}/console/vnc`);
    } catch (e) {
      reason = e;
    }
    state.textContent = 'Not connected.';
    if (reason) {
      problem.replaceChildren(errorBox(reason));
      offer(el('button', { type: 'button', onclick: () => connect(false) }, 'Try again'));
    } else {
      problem.replaceChildren(errorBox(new Error(forced ? 'The server did not open the serial console.'
        : 'The server did not open the serial console: another client may hold it.')));
      offer(el('button', { type: 'button', onclick: () => connect(true) }, 'Take it over'),
        el('button', { type: 'button', class: 'quiet', onclick: () => connect(false) }, 'Try again'));
    }
  };

  output.addEventListener('keydown', (event) => {
    const bytes = keyBytes(event);
    if (bytes === null) return;
    event.preventDefault();
    send(bytes);
  });
  output.addEventListener('paste', (event) => {
    event.preventDefault();
    send(event.clipboardData.getData('text').replace(/\r?\n/g, '\r'));
  });
  const lineForm = el('form', { class: 'bar-form', onsubmit: (event) => {
    event.preventDefault();
    send(`${line.value}\r`);
    line.value = '';
  } }, field('Send a line', line), el('button', { type: 'submit' }, 'Send'));

  page(`Console of VM ${vm.name}`);
  main.append(
    el('p', {}, link(`/vms/${encodeURIComponent(id)}`, `Back to VM ${vm.name}`), ' · ',
      link(`/vms/${encodeURIComponent(id)}/display`, 'Display')),
    state, problem, retry, output,
    el('p', { id: 'console-keys', class: 'muted' },
      'With the focus on the console, keys go to the guest (Ctrl with a letter too); Tab moves on. Or type a line below.'),
    lineForm);
  // a page left for another (not a view of this one) may be kept whole by the browser, its socket open: close it
  // then too, or the console stays held and the next visit is refused
  const close = () => {
    left = true;
    if (socket) socket.close(1000, 'The page was left.');
  };
  window.addEventListener('pagehide', close);
  onLeave(() => {
    window.removeEventListener('pagehide', close);
    close();
  });
  connect(false);
}
