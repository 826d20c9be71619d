// The Paddock web UI: a few views routed in the browser, each reading the REST API and drawing plain DOM.
import { currentSession, del, followHa, get, post, signIn, signOut } from './api.js';
import { bar, el, errorBox, field, link, mib, say, table, when } from './dom.js';
import { auditPage, haPage, usersPage, vmProtection } from './admin.js';
import { usageSection } from './charts.js';
import { consolePage } from './console.js';
import { consolidationPage } from './consolidation.js';
import { displayPage } from './display.js';
import { virtualTable } from './vlist.js';
import { every, fact, leave, main, onLeave, operationProgress, optional, page, soon } from './view.js';

let session = null;

const routes = [
  [/^\/$/, dashboard],
  [/^\/hosts$/, hostList],
  [/^\/hosts\/([^/]+)$/, hostDetail],
  [/^\/vms$/, vmList],
  [/^\/vms\/new$/, createVm],
  [/^\/vms\/([^/]+)$/, vmDetail],
  [/^\/vms\/([^/]+)\/console$/, consolePage],
  [/^\/vms\/([^/]+)\/display$/, displayPage],
  [/^\/operations$/, operationList],
  [/^\/alarms$/, alarmList],
  [/^\/ha$/, haPage],
  [/^\/audit$/, auditPage],
  [/^\/users$/, usersPage],
  [/^\/consolidation$/, consolidationPage],
  [/^\/login$/, login],
];

export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}

async function render() {
  leave();
  const path = location.pathname;
  if ((!session || session.mustChangePassword) && path !== '/login') {
    navigate('/login?next=' + encodeURIComponent(path + location.search), true);
    return;
  }
  const match = routes.map(([pattern, view]) => [path.match(pattern), view]).find(([m]) => m);
  showChrome(Boolean(session) && !session.mustChangePassword);
  markCurrent(path);
  if (!match) {
    page('Not found', el('p', {}, `The web UI has no page at ${path}. `, link('/', 'Go to the dashboard'), '.'));
    return;
  }
  const [found, view] = match;
  try {
    await view(...found.slice(1).map(decodeURIComponent));
  } catch (e) {
    page('Something went wrong', errorBox(e));
  }
}

/** Shows the links to the pages only some may read (the audit log, users and roles) to those who may. */
async function showAllowedLinks() {
  const [audit, users] = await Promise.all([optional(get('/audit?limit=1'), null), optional(get('/roles'), null)]);
  document.getElementById('nav-audit').hidden = !audit;
  document.getElementById('nav-users').hidden = !users;
}

function showChrome(visible) {
  document.getElementById('nav').hidden = !visible;
  document.getElementById('who').hidden = !visible;
  document.getElementById('user').textContent = session ? session.user : '';
}

function markCurrent(path) {
  document.querySelectorAll('#nav a').forEach((a) => {
    const href = a.getAttribute('href');
    const current = href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
}

async function refreshAlarmCount() {
  try {
    const open = await get('/alarms?open=true&limit=1000');
    const count = open.items.filter((a) => !a.acknowledged).length;
    const badge = document.getElementById('alarm-count');
    badge.textContent = count ? String(count) : '';
    badge.setAttribute('aria-label', count ? `${count} not acknowledged` : '');
  } catch { /* the count is a hint; the alarms page says what failed */ }
}

// --- signing in -------------------------------------------------------------------------------------------------

async function login() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  if (session && !session.mustChangePassword) {
    navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
    return;
  }
  if (session && session.mustChangePassword) {
    changePassword(next);
    return;
  }
  const errors = el('div');
  const form = el('form', { class: 'card narrow', novalidate: '' },
    field('User', el('input', { name: 'user', autocomplete: 'username', required: '' })),
    field('Password', el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: '' })),
    errors,
    el('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    try {
      session = await signIn(form.user.value.trim(), form.password.value);
      if (session.mustChangePassword) changePassword(next, form.password.value);
      else {
        showAllowedLinks().catch(() => {});
        navigate(next, true);
      }
    } catch (e) {
      errors.replaceChildren(errorBox(e));
    }
  });
  page('Sign in to Paddock', form);
  form.user.focus();
}

function changePassword(next, current = '') {
  const errors = el('div');
  const form = el('form', { class: 'card narrow', novalidate: '' },
    el('p', {}, `User ${session.user} signs in with a one-time password: choose a new one to go on.`),
    field('Current password', el('input', { name: 'current', type: 'password', autocomplete: 'current-password', value: current })),
    field('New password', el('input', { name: 'fresh', type: 'password', autocomplete: 'new-password', required: '' })),
    field('New password again', el('input', { name: 'again', type: 'password', autocomplete: 'new-password', required: '' })),
    errors,
    el('button', { type: 'submit' }, 'Change password'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    if (form.fresh.value !== form.again.value) {
      errors.replaceChildren(errorBox(new Error('The two new passwords differ.')));
      return;
    }
    try {
      await post('/users/me/password', { currentPassword: form.current.value, newPassword: form.fresh.value });
      session = { ...session, mustChangePassword: false };
      showAllowedLinks().catch(() => {});
      navigate(next, true);
    } catch (e) {
      errors.replaceChildren(errorBox(e));
    }
  });
  page('Choose a new password', form);
  (current ? form.fresh : form.current).focus();
}

// --- dashboard --------------------------------------------------------------------------------------------------

/** A decision that moves a host's HA health: ha.host.<health>. */
const HEALTH_MOVE = /^ha\.host\.(healthy|suspect|isolated|fencing|recovering|fenced|maintenance)$/;
/** Decisions after which every host's health is read anew (HA disarmed or rearmed, maintenance). */
const HEALTH_RESET = /^ha\.(host\.disarmed|cluster\.set|maintenance\.)/;
const DECISIONS_SHOWN = 10;

async function dashboard() {
  const heading = page('Dashboard');
  const body = el('div', { 'aria-busy': 'true' }, el('p', {}, 'Reading the room…'));
  main.append(body);
  let hostNames = new Map();
  const activity = el('section', { 'aria-labelledby': 'ha-activity' });
  const drawActivity = () => activity.replaceChildren(...decisionsPart(live.decisions, hostNames));
  const draw = async () => {
    const [sites, clusters, hosts, ha, alarms, unregistered] = await Promise.all([
      get('/sites'), get('/clusters'), get('/hosts'), live.health ? null : optional(get('/ha/status'), { hosts: [] }),
      optional(get('/alarms?open=true&limit=1000'), { items: [] }),
      optional(get('/vms?origin=unregistered&limit=1'), { total: 0 }),
    ]);
    const [clusterHa, usage] = await Promise.all([
      Promise.all(clusters.items.map((c) => optional(get(`/clusters/${encodeURIComponent(c.id)}/ha`), null))),
      optional(get('/usage/hosts'), { items: [] }),
    ]);
    // read after the requests: a move the stream brought meanwhile is newer than what they answered
    const health = live.health || new Map(ha.hosts.map((h) => [h.hostId, h.health]));
    hostNames = new Map(hosts.items.map((h) => [h.id, h.name]));
    const usageOf = new Map(usage.items.map((u) => [u.id, u]));
    const haOf = new Map(clusters.items.map((c, i) => [c.id, clusterHa[i]]));
    const openAlarms = alarms.items.filter((a) => !a.acknowledged);
    const summary = el('ul', { class: 'tiles', 'aria-label': 'The room at a glance' },
      el('li', {}, el('span', { class: 'big', 'data-testid': 'host-count' }, String(hosts.total)), ' hosts'),
      el('li', {}, el('span', { class: 'big' }, String(sites.total)), ' sites, ',
        el('span', { class: 'big' }, String(clusters.total)), ' clusters'),
      el('li', { class: openAlarms.length ? 'warn' : '' }, link('/alarms', el('span', { class: 'big' }, String(openAlarms.length)),
        ' open alarms')),
      el('li', { class: unregistered.total ? 'warn' : '' }, el('span', { class: 'big', 'data-testid': 'unregistered' },
        String(unregistered.total)), ' unregistered VMs'));
    const bySite = sites.items.map((site) => el('section', { 'aria-labelledby': `site-${site.id}` },
      el('h2', { id: `site-${site.id}` }, `Site ${site.name}`, site.description ? el('span', { class: 'muted' }, ` — ${site.description}`) : ''),
      ...clusters.items.filter((c) => c.siteId === site.id).map((cluster) =>
        clusterSection(cluster, haOf.get(cluster.id), hosts.items.filter((h) => h.clusterId === cluster.id), health, usageOf))));
    const alarmPart = el('section', { 'aria-labelledby': 'open-alarms' }, el('h2', { id: 'open-alarms' }, 'Open alarms'),
      openAlarms.length ? alarmTable(openAlarms.slice(0, 10), () => draw()) : el('p', {}, 'No alarm waits for acknowledgement.'));
    drawActivity();
    body.replaceChildren(summary, alarmPart, ...bySite, activity);
    body.setAttribute('aria-busy', 'false');
    refreshAlarmCount();
  };
  const live = followHosts(body, soon(300, body, draw), drawActivity, (id) => hostNames.get(id) || id);
  await draw();
  every(5000, body, draw);
  return heading;
}

/**
 * HA as its stream tells it, for the dashboard: every host's health when the stream opens, then each move in order,
 * drawn into the host's HA cell the moment it comes (a host reported off is suspect for half a second only), and
 * HA's latest decisions. health is null while the stream is closed: the dashboard then reads /ha/status.
 */
function followHosts(body, redrawSoon, drawActivity, hostName) {
  const live = { health: null, decisions: [] };
  let latestDecision = Infinity;
  const showHealth = (hostId, word) => body.querySelectorAll(`[data-host="${CSS.escape(hostId)}"]`).forEach((cell) => {
    cell.className = `state ${word}`;
    cell.textContent = word;
  });
  const readHealth = () => optional(get('/ha/status'), null).then((status) => {
    if (status && live.health) status.hosts.forEach((h) => live.health.set(h.hostId, h.health));
  });
  onLeave(followHa((status) => {
    live.health = new Map(status.hosts.map((h) => [h.hostId, h.health]));
    latestDecision = status.latestDecision;
    body.dataset.live = 'ha';
    redrawSoon();
  }, (decision) => {
    live.decisions.unshift(decision);
    live.decisions.splice(DECISIONS_SHOWN);
    const move = decision.action.match(HEALTH_MOVE);
    if (move && live.health) {
      live.health.set(decision.subjectId, move[1].toUpperCase());
      showHealth(decision.subjectId, move[1]);
      // the decisions replayed when the stream opens are not news
      if (decision.seq > latestDecision) say(`Host ${hostName(decision.subjectId)} is ${move[1]}`);
    } else if (HEALTH_RESET.test(decision.action)) {
      readHealth().then(redrawSoon, () => {});
    }
    drawActivity();
    redrawSoon();
  }, (open) => {
    if (!open) {
      live.health = null;
      delete body.dataset.live;
    }
  }));
  return live;
}

function decisionsPart(decisions, hostNames) {
  return [el('h2', { id: 'ha-activity' }, 'Latest HA decisions'), decisions.length
    ? table('HA decisions, newest first', ['Subject', 'Decision', 'When', 'Detail'], decisions.map((d) => [
      hostNames.get(d.subjectId) || el('code', {}, d.subjectId), d.action.replace(/^ha\./, ''), when(d.at), d.detail]),
    { class: 'ha-activity' }) : el('p', {}, 'HA has decided nothing yet.')];
}

function clusterSection(cluster, ha, hosts, health, usageOf) {
  const haText = !ha ? (cluster.haEnabled ? 'HA on' : 'HA off')
    : !ha.enabled ? 'HA off' : ha.paused ? 'HA paused'
      : `HA on, ${ha.admitted ? 'admitted' : 'NOT admitted'}: ${ha.admission}`;
  const rows = hosts.map((host) => {
    const use = usageOf.get(host.id);
    const latest = use && use.latest;
    const cpu = latest ? latest.cpu : null;
    const memory = latest && latest.memoryBytes ? latest.memoryUsedBytes / latest.memoryBytes : null;
    const state = health.get(host.id);
    return [
      el('span', { class: 'host-name' }, host.name),
      el('span', { class: `state ${host.state.toLowerCase()}` }, host.state.toLowerCase()),
      host.power.toLowerCase(),
      state ? el('span', { class: `state ${state.toLowerCase()}`, 'data-testid': 'ha-health', 'data-host': host.id }, state.toLowerCase()) : '—',
      bar(`CPU of ${host.name}`, cpu, `${host.capacity.cpuMillicores / 1000} vCPU`),
      bar(`Memory of ${host.name}`, memory, mib(host.capacity.memoryMib)),
    ];
  });
  return el('section', { class: 'cluster', 'aria-labelledby': `cluster-${cluster.id}` },
    el('h3', { id: `cluster-${cluster.id}` }, `Cluster ${cluster.name} `,
      el('span', { class: `badge ${ha && ha.enabled && !ha.admitted ? 'bad' : ''}`, 'data-testid': 'cluster-ha' }, haText)),
    table(`Hosts of cluster ${cluster.name}`, ['Host', 'State', 'Power', 'HA', 'CPU used', 'Memory used'], rows,
      { class: 'hosts' }));
}

// --- hosts ------------------------------------------------------------------------------------------------------

async function hostList() {
  page('Hosts');
  const [hosts, clusters, ha] = await Promise.all([get('/hosts'), get('/clusters'), optional(get('/ha/status'), { hosts: [] })]);
  const clusterName = new Map(clusters.items.map((c) => [c.id, c.name]));
  const health = new Map(ha.hosts.map((h) => [h.hostId, h.health]));
  const search = el('input', { type: 'search', name: 'search', value: new URLSearchParams(location.search).get('search') || '' });
  const result = el('div');
  const draw = () => {
    const words = search.value.trim().toLowerCase();
    const shown = hosts.items.filter((h) => h.name.toLowerCase().includes(words));
    result.replaceChildren(el('p', { class: 'muted' }, `${shown.length} of ${hosts.total} hosts`),
      table('Hosts', ['Name', 'Cluster', 'State', 'Power', 'HA', 'vCPU', 'Memory'], shown.map((h) => [
        link(`/hosts/${encodeURIComponent(h.id)}`, h.name), clusterName.get(h.clusterId) || h.clusterId, h.state.toLowerCase(), h.power.toLowerCase(),
        (health.get(h.id) || '—').toLowerCase(), String(h.capacity.cpuMillicores / 1000), mib(h.capacity.memoryMib)])));
    say(`${shown.length} hosts shown`);
  };
  search.addEventListener('input', draw);
  main.append(el('form', { role: 'search', class: 'bar-form', onsubmit: (e) => e.preventDefault() },
    field('Search hosts by name', search)), result);
  draw();
}

async function hostDetail(id) {
  const [host, clusters, ha] = await Promise.all([get(`/hosts/${encodeURIComponent(id)}`), get('/clusters'),
    optional(get('/ha/status'), { hosts: [] })]);
  const cluster = clusters.items.find((c) => c.id === host.clusterId);
  const health = ha.hosts.find((h) => h.hostId === host.id);
  const usage = await usageSection('hosts', host.id, host.name);
  page(`Host ${host.name}`);
  main.append(el('dl', { class: 'facts' },
    ...fact('State', el('span', { class: `state ${host.state.toLowerCase()}` }, host.state.toLowerCase())),
    ...fact('Power', host.power.toLowerCase()),
    ...fact('HA', health ? el('span', { class: `state ${health.health.toLowerCase()}` }, health.health.toLowerCase()) : '—'),
    ...fact('Cluster', cluster ? cluster.name : host.clusterId),
    ...fact('CPU', `${host.capacity.cpuMillicores / 1000} vCPU`),
    ...fact('Memory', mib(host.capacity.memoryMib)),
    ...fact('Id', el('code', {}, host.id))), usage);
}

// --- VMs --------------------------------------------------------------------------------------------------------

/** The first page is small, to be drawn at once; the pages read while scrolling are larger, for fewer requests. */
const FIRST_PAGE = 50;
const NEXT_PAGE = 200;

async function vmList() {
  page('VMs');
  const params = new URLSearchParams(location.search);
  const search = el('input', { type: 'search', name: 'search', value: params.get('search') || '', autocomplete: 'off' });
  const hosts = new Map((await get('/hosts')).items.map((h) => [h.id, h.name]));
  const count = el('p', { class: 'muted', 'data-testid': 'vm-count' });
  const position = el('p', { class: 'muted', 'data-testid': 'vm-window' });
  const problems = el('div');
  let cursor = null;
  let reading = null;
  let asked = 0;
  const query = (from, limit) => {
    const q = new URLSearchParams({ search: search.value.trim(), limit: String(limit) });
    if (from) q.set('cursor', from);
    return q;
  };
  /** Reads the page after the last one read, once at a time; a new search drops what an older one brings. */
  const readMore = () => {
    if (reading || !cursor) return;
    const ask = asked;
    reading = get(`/vms?${query(cursor, NEXT_PAGE)}`).then((vms) => {
      if (ask !== asked) return;
      cursor = vms.nextCursor || null;
      list.append(vms.items, Boolean(cursor));
    }, (e) => problems.replaceChildren(errorBox(e))).finally(() => {
      reading = null;
      if (ask !== asked) list.draw();
    });
  };
  const list = virtualTable({
    caption: 'VMs', label: 'VMs', headers: ['Name', 'State', 'Host', 'vCPU', 'Memory', 'Origin'], className: 'vms',
    cells: (vm) => [link(`/vms/${encodeURIComponent(vm.id)}`, vm.name),
      el('span', { class: `state ${vm.state.toLowerCase()}` }, vm.state.toLowerCase()),
      vm.hostId ? hosts.get(vm.hostId) || vm.hostId : '—', String(Math.ceil(vm.demand.cpuMillicores / 1000)),
      mib(vm.demand.memoryMib), vm.origin.toLowerCase()],
    wantMore: readMore,
    onDraw: (first, last, read) => {
      position.textContent = read ? `Rows ${first}–${last} in view; ${read} read` : '';
    },
  });
  onLeave(() => list.stop());
  const load = async () => {
    const ask = ++asked;
    const started = performance.now();
    const vms = await get(`/vms?${query(null, FIRST_PAGE)}`);
    if (ask !== asked) return; // a later search overtook this one
    cursor = vms.nextCursor || null;
    problems.replaceChildren();
    list.reset(vms.total, vms.items, Boolean(cursor));
    count.textContent = `${vms.total} ${vms.total === 1 ? 'VM' : 'VMs'}`;
    // how long this page took from its request to its table, and when it was drawn: the UI's scale test reads them
    count.dataset.ms = String(Math.round(performance.now() - started));
    count.dataset.at = String(Math.round(performance.now()));
    say(`${vms.total} VMs found`);
  };
  let debounce = null;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      const words = search.value.trim();
      history.replaceState(null, '', words ? `/vms?search=${encodeURIComponent(words)}` : '/vms');
      load().catch((e) => problems.replaceChildren(errorBox(e)));
    }, 150);
  });
  main.append(el('div', { class: 'actions' }, link('/vms/new', 'Create a VM', { class: 'button' })),
    el('form', { role: 'search', class: 'bar-form', onsubmit: (e) => e.preventDefault() }, field('Search VMs by name', search)),
    count, list.element, position, problems);
  await load();
}

async function vmDetail(id) {
  const [vm, hosts, clusters, vmHa] = await Promise.all([get(`/vms/${encodeURIComponent(id)}`), get('/hosts'),
    get('/clusters'), optional(get(`/vms/${encodeURIComponent(id)}/ha`), null)]);
  const hostName = new Map(hosts.items.map((h) => [h.id, h.name]));
  const cluster = clusters.items.find((c) => c.id === vm.clusterId);
  const facts = el('dl', { class: 'facts' },
    ...fact('State', el('span', { class: `state ${vm.state.toLowerCase()}`, 'data-testid': 'vm-state' }, vm.state.toLowerCase())),
    ...fact('Host', el('span', { 'data-testid': 'vm-host' }, vm.hostId ? hostName.get(vm.hostId) || vm.hostId : 'none')),
    ...fact('Cluster', cluster ? cluster.name : vm.clusterId),
    ...fact('CPU', `${Math.ceil(vm.demand.cpuMillicores / 1000)} vCPU (${vm.demand.cpuMillicores} millicores)`),
    ...fact('Memory', mib(vm.demand.memoryMib)),
    ...fact('HA', `priority ${vm.haPriority}, ${vm.protected ? 'protected' : 'not protected'}`
      + (vmHa && vmHa.restartPriority !== undefined ? ` (restart priority ${vmHa.restartPriority})` : '')),
    ...fact('Watchdog', vm.watchdog ? `${vm.watchdog.model || ''} ${vm.watchdog.action || ''}`.trim() || 'yes' : 'none'),
    ...fact('Origin', vm.origin.toLowerCase()),
    ...fact('Tier', vm.tier || '—'),
    ...fact('Firmware', vm.firmware || '—'),
    ...fact('Id', el('code', {}, vm.id)));
  const disks = table('Disks', ['Name', 'Datastore', 'Size', 'Format', 'Volume'], vm.disks.map((d) => [
    d.name, d.datastoreId, `${d.sizeGib} GiB`, d.format, d.volume || '—']));
  const nics = table('Network interfaces', ['MAC', 'Network', 'Addresses', 'Limits'], vm.nics.map((n) => [
    el('code', {}, n.mac), n.networkId, (n.addresses || []).join(', ') || '—',
    n.inboundKbps || n.outboundKbps ? `in ${n.inboundKbps || '∞'} / out ${n.outboundKbps || '∞'} kbit/s` : '—']));
  const progress = el('div');
  const message = el('div');
  const act = async (label, call) => {
    message.replaceChildren();
    try {
      const op = await call();
      if (op && op.id) {
        // done: the page is read anew; failed or cancelled: the box stays with its sentence, the VM as it was
        const box = operationProgress(op, label, (now) => {
          if (now.state === 'DONE') navigate(location.pathname, true);
        });
        progress.replaceChildren(box);
        box.focus();
      } else {
        navigate('/vms', true);
      }
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  };
  const base = `/vms/${encodeURIComponent(id)}`;
  const targets = el('select', { name: 'target' }, el('option', { value: '' }, 'the host Paddock chooses'),
    ...hosts.items.filter((h) => h.clusterId === vm.clusterId && h.id !== vm.hostId)
      .map((h) => el('option', { value: h.id }, h.name)));
  const confirmDelete = el('div', { class: 'confirm', hidden: '' },
    el('p', {}, `Delete VM ${vm.name} and its disks? This cannot be undone.`),
    el('button', { type: 'button', class: 'danger', onclick: () => act('delete', () => del(base)) }, `Delete ${vm.name}`),
    el('button', { type: 'button', class: 'quiet', onclick: () => { confirmDelete.hidden = true; } }, 'Keep it'));
  const actions = el('section', { 'aria-labelledby': 'actions' }, el('h2', { id: 'actions' }, 'Actions'),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => act('start', () => post(`${base}/start`)) }, 'Start'),
      el('button', { type: 'button', onclick: () => act('stop', () => post(`${base}/stop`)) }, 'Stop'),
      el('button', { type: 'button', class: 'danger', onclick: () => { confirmDelete.hidden = false; confirmDelete.querySelector('button').focus(); } }, 'Delete…'),
      vm.state === 'RUNNING' ? link(`/vms/${encodeURIComponent(id)}/console`, 'Console', { class: 'button' }) : '',
      vm.state === 'RUNNING' ? link(`/vms/${encodeURIComponent(id)}/display`, 'Display', { class: 'button' }) : ''),
    el('form', { class: 'bar-form', onsubmit: (e) => {
      e.preventDefault();
      act('migrate', () => post(`${base}/migrate`, targets.value ? { hostId: targets.value } : {}));
    } }, field('Migrate to', targets), el('button', { type: 'submit' }, 'Migrate')),
    confirmDelete, message, progress);
  const usage = await usageSection('vms', vm.id, vm.name);
  page(`VM ${vm.name}`);
  main.append(facts, actions, vmProtection(vm, vmHa),
    el('section', { 'aria-labelledby': 'disks' }, el('h2', { id: 'disks' }, 'Disks'), vm.disks.length ? disks : el('p', {}, 'No disks.')),
    el('section', { 'aria-labelledby': 'nics' }, el('h2', { id: 'nics' }, 'Network interfaces'), vm.nics.length ? nics : el('p', {}, 'No network interfaces.')),
    usage);
}

async function createVm() {
  page('Create a VM');
  const [clusters, templates] = await Promise.all([get('/clusters'), optional(get('/templates'), { items: [] })]);
  const errors = el('div');
  const progress = el('div');
  const form = el('form', { class: 'card grid', novalidate: '' },
    field('Name', el('input', { name: 'name', required: '', autocomplete: 'off', pattern: '[A-Za-z0-9][A-Za-z0-9._-]*' })),
    field('Cluster', el('select', { name: 'cluster' }, ...clusters.items.map((c) => el('option', { value: c.id }, c.name)))),
    field('Template', el('select', { name: 'template' }, el('option', { value: '' }, 'none: an empty VM'),
      ...templates.items.map((t) => el('option', { value: t.id }, `${t.name} (${t.vcpus} vCPU, ${mib(t.memoryMib)})`)))),
    field('vCPUs', el('input', { name: 'vcpus', type: 'number', min: '1', value: '1', inputmode: 'numeric' }),
      'With a template, empty takes the template\'s.'),
    field('Memory (MiB)', el('input', { name: 'memory', type: 'number', min: '1', value: '1024', inputmode: 'numeric' })),
    field('HA priority', el('input', { name: 'priority', type: 'number', min: '0', max: '1000', value: '0', inputmode: 'numeric' }),
      '0 leaves it unprotected; higher restarts first.'),
    el('div', { class: 'check' }, el('input', { type: 'checkbox', name: 'start', id: 'start', checked: '' }),
      el('label', { for: 'start' }, 'Start it once made')),
    errors,
    el('button', { type: 'submit' }, 'Create'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const request = { name: form.name.value.trim(), clusterId: form.cluster.value, start: form.start.checked,
      haPriority: Number(form.priority.value || 0) };
    if (form.template.value) request.template = form.template.value;
    if (form.vcpus.value) request.vcpus = Number(form.vcpus.value);
    if (form.memory.value) request.memoryMib = Number(form.memory.value);
    try {
      const op = await post('/vms', request);
      const box = operationProgress(op, `create ${request.name}`, (done) => {
        if (done.state === 'DONE') progress.append(el('p', {}, link(`/vms/${encodeURIComponent(done.target)}`, `Open VM ${request.name}`)));
      });
      progress.replaceChildren(box);
      box.focus();
    } catch (e) {
      errors.replaceChildren(errorBox(e));
    }
  });
  main.append(form, progress);
  form.name.focus();
}

// --- operations -------------------------------------------------------------------------------------------------

async function operationList() {
  page('Operations');
  const result = el('div');
  const draw = async () => {
    const ops = await get('/operations?limit=50');
    result.replaceChildren(el('p', { class: 'muted' }, `The latest ${ops.items.length} of ${ops.total} operations`),
      table('Operations', ['Kind', 'State', 'Progress', 'Owner', 'Created', 'Target', ''], ops.items.map((op) => [
        op.kind, el('span', { class: `state ${op.state.toLowerCase()}` }, op.state.toLowerCase()),
        bar(`Progress of operation ${op.kind} ${op.id}`, op.progress, `${op.stepsDone}/${op.stepsTotal} steps`, true),
        op.owner, when(op.created), el('code', {}, op.target),
        op.isFinal ? '' : el('button', { type: 'button', class: 'quiet', 'aria-label': `Cancel operation ${op.kind} on ${op.target}`,
          onclick: () => post(`/operations/${encodeURIComponent(op.id)}/cancel`).then(draw, (e) => result.prepend(errorBox(e))) }, 'Cancel')])));
  };
  main.append(result);
  await draw();
  every(2000, result, draw);
}

// --- alarms -----------------------------------------------------------------------------------------------------

function alarmTable(alarms, redraw) {
  return table('Alarms', ['Kind', 'Subject', 'Message', 'Raised', 'State', ''], alarms.map((a) => [
    a.kind, el('code', {}, a.subjectId), a.message, when(a.raised),
    a.cleared ? 'cleared' : a.acknowledged ? `acknowledged by ${a.acknowledged.by}` : 'open',
    a.acknowledged ? '' : el('button', { type: 'button', 'aria-label': `Acknowledge alarm ${a.kind} on ${a.subjectId}`,
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await post(`/alarms/${encodeURIComponent(a.id)}/acknowledge`);
          say(`Alarm ${a.kind} acknowledged`);
          await redraw();
        } catch (e) {
          event.target.after(errorBox(e));
        }
      } }, 'Acknowledge')]), { class: 'alarms' });
}

async function alarmList() {
  page('Alarms');
  const openOnly = el('input', { type: 'checkbox', id: 'open-only', checked: '' });
  const result = el('div');
  const draw = async () => {
    const alarms = await get(`/alarms?limit=200${openOnly.checked ? '&open=true' : ''}`);
    result.replaceChildren(alarms.items.length ? alarmTable(alarms.items, draw) : el('p', {}, 'No alarms.'));
    refreshAlarmCount();
  };
  openOnly.addEventListener('change', draw);
  main.append(el('div', { class: 'check' }, openOnly, el('label', { for: 'open-only' }, 'Only alarms not acknowledged')), result);
  await draw();
  every(5000, result, draw);
}

// --- start ------------------------------------------------------------------------------------------------------

document.addEventListener('click', (event) => {
  const a = event.target.closest('a');
  if (!a || a.target || a.origin !== location.origin || event.ctrlKey || event.metaKey || event.shiftKey
    || a.hasAttribute('download') || a.getAttribute('href').startsWith('#')) return;
  event.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', render);
window.addEventListener('paddock:signed-out', () => {
  if (session) {
    session = null;
    render();
  }
});
document.getElementById('sign-out').addEventListener('click', async () => {
  await signOut().catch(() => {});
  session = null;
  navigate('/login', true);
});

session = await currentSession().catch(() => null);
if (session && !session.mustChangePassword) {
  refreshAlarmCount();
  showAllowedLinks().catch(() => {});
}
render();
