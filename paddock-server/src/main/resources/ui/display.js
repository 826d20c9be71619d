// A running VM's graphical display in the page: noVNC's RFB client (vendored under novnc/, loaded only here) over
// the server's WebSocket bridge to the display (/vms/{id}/console/vnc/ws), with the password GET .../console/vnc gives.
import { get } from './api.js';
import { el, errorBox, link, say } from './dom.js';
import { main, onLeave, page } from './view.js';

export async function displayPage(id) {
  const base = `/vms/${encodeURIComponent(id)}`;
  const vm = await get(base);
  page(`Display of VM ${vm.name}`);
  const state = el('p', { class: 'console-state', 'data-testid': 'display-state' }, 'Connecting…');
  const problem = el('div');
  const screen = el('div', { class: 'display', 'data-testid': 'display', role: 'application',
    'aria-label': `Display of VM ${vm.name}`, 'aria-describedby': 'display-keys' });
  const actions = el('div', { class: 'actions' });
  main.append(el('p', {}, link(base, `Back to VM ${vm.name}`), ' · ', link(`${base}/console`, 'Serial console')),
    state, problem, actions, screen,
    el('p', { id: 'display-keys', class: 'muted' },
      'Click the display, or give it the focus, to send it the keyboard and mouse; Ctrl+Alt+Del has its own button.'));
  let display;
  try {
    display = await get(`${base}/console/vnc`);
  } catch (e) {
    state.textContent = 'Not connected.';
    problem.replaceChildren(errorBox(e));
    return;
  }
  const { default: RFB } = await import('./novnc/core/rfb.js');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const rfb = new RFB(screen, `${scheme}://${location.host}/api/v1${base}/console/vnc/ws`,
    { credentials: { password: display.password } });
  rfb.scaleViewport = true;
  rfb.addEventListener('connect', () => {
    state.textContent = 'Connected.';
    say(`Display of ${vm.name} connected`);
  });
  rfb.addEventListener('desktopname', (event) => {
    state.textContent = `Connected to ${event.detail.name}.`;
  });
  rfb.addEventListener('securityfailure', (event) => {
    problem.replaceChildren(errorBox(new Error(`The display refused the password: ${event.detail.reason || 'no reason given'}.`)));
  });
  rfb.addEventListener('disconnect', (event) => {
    state.textContent = event.detail.clean ? 'Closed.' : 'Closed: the connection to the display was lost.';
    say(state.textContent);
  });
  actions.replaceChildren(el('button', { type: 'button', class: 'quiet', onclick: () => rfb.sendCtrlAltDel() }, 'Send Ctrl+Alt+Del'));
  // a page the browser keeps whole when left would keep its connection to the display open
  const close = () => rfb.disconnect();
  window.addEventListener('pagehide', close);
  onLeave(() => {
    window.removeEventListener('pagehide', close);
    close();
  });
}
