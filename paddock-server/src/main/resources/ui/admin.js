// The room's oversight: HA per cluster (its hosts' health, its protected VMs and its decisions), the audit log, and
// users and roles.
import { del, followHa, get, post, request } from './api.js';
import { el, errorBox, field, link, say, table, when } from './dom.js';
import { every, main, onLeave, optional, page, soon } from './view.js';

/** A host's HA health as a word with its colour class. */
function health(state) {
  const word = state.toLowerCase();
  return el('span', { class: `state ${word}`, 'data-testid': 'ha-health' }, word);
}

// --- HA ---------------------------------------------------------------------------------------------------------

export async function haPage() {
  page('High availability');
  const body = el('div', { 'aria-busy': 'true' }, el('p', {}, 'Reading HA…'));
  main.append(body);
  const draw = async () => {
    const [clusters, status, events] = await Promise.all([get('/clusters'), get('/ha/status'),
      optional(get('/ha/events?limit=20'), { items: [] })]);
    const settings = await Promise.all(clusters.items.map((c) => optional(get(`/clusters/${encodeURIComponent(c.id)}/ha`), null)));
    const troubled = status.hosts.filter((h) => !['HEALTHY', 'MAINTENANCE'].includes(h.health));
    const summary = el('p', { 'data-testid': 'ha-summary' }, troubled.length
      ? `${troubled.length} host(s) need HA now: ${troubled.map((h) => `${h.hostName} ${h.health.toLowerCase()}`).join(', ')}.`
      : `All ${status.hosts.length} hosts are healthy or in maintenance.`);
    const sections = clusters.items.map((cluster, i) => {
      const ha = settings[i];
      const hosts = status.hosts.filter((h) => h.clusterId === cluster.id);
      const facts = ha ? el('p', { class: 'muted' },
        `${ha.enabled ? (ha.paused ? 'HA on but paused' : 'HA on') : 'HA off'}; tolerates ${ha.toleratedHostFailures}`
        + ` host failure(s); a host that stops answering is judged after ${ha.detectionWindowSeconds} s. `,
        el('span', { class: `badge ${ha.enabled && !ha.admitted ? 'bad' : ''}` },
          `${ha.admitted ? 'Admitted' : 'Not admitted'}: ${ha.admission}`)) : '';
      return el('section', { class: 'cluster', 'aria-labelledby': `ha-${cluster.id}` },
        el('h2', { id: `ha-${cluster.id}` }, `Cluster ${cluster.name}`), facts,
        table(`HA health of the hosts of cluster ${cluster.name}`, ['Host', 'Health', 'Watched'], hosts.map((h) => [
          h.hostName, health(h.health), h.armed ? 'yes' : 'no: HA is off or paused']), { class: 'ha-hosts' }));
    });
    const decisions = el('section', { 'aria-labelledby': 'ha-events' }, el('h2', { id: 'ha-events' }, 'Latest HA decisions'),
      events.items.length ? table('HA decisions, newest first', ['When', 'Decision', 'Subject', 'Detail'], events.items.map((e) => [
        when(e.at), e.action, el('code', {}, e.subjectId), e.detail]), { class: 'ha-events' })
        : el('p', {}, 'HA has decided nothing yet.'));
    body.replaceChildren(summary, ...sections, vms.element, decisions);
    body.setAttribute('aria-busy', 'false');
  };
  const vms = protectedVms();
  await draw();
  every(3000, body, draw);
  // the protected VMs' restarts change with HA's decisions: read them again after each (and every minute)
  const readSoon = soon(1000, vms.element, vms.read);
  onLeave(followHa(() => {}, readSoon));
  every(60000, vms.element, vms.read);
  await vms.read();
}

/** A decision to restart a VM elsewhere, as HaDecider words it. */
const PLANNED = /^restart VM .* of (\S+) on (\S+) in operation (\S+)$/;
const RESTART_DECISIONS = ['ha.restart.planned', 'ha.restart.unplaced'];

/**
 * Every protected VM, highest priority first (the order HA restarts them in), with what HA would do or did for it:
 * read from the VM list (page after page), HA's view of the hosts, and its latest restart decisions.
 */
function protectedVms() {
  const element = el('section', { 'aria-labelledby': 'ha-vms', 'aria-busy': 'true' },
    el('h2', { id: 'ha-vms' }, 'Protected VMs'), el('p', {}, 'Reading the VMs…'));
  // a room of 100,000 VMs takes 100 requests: one reading at a time, and one more if asked meanwhile
  let reading = null;
  let again = false;
  const read = () => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = readAll().finally(() => {
      reading = null;
      if (again) {
        again = false;
        read();
      }
    });
    return reading;
  };
  const readAll = async () => {
    const [status, hosts, events] = await Promise.all([get('/ha/status'), get('/hosts'),
      optional(get('/ha/events?limit=1000'), { items: [] })]);
    const vms = [];
    let cursor = null;
    let seen = 0;
    do {
      const query = new URLSearchParams({ search: '', limit: '1000' });
      if (cursor) query.set('cursor', cursor);
      const batch = await get(`/vms?${query}`);
      vms.push(...batch.items.filter((vm) => vm.haPriority > 0));
      seen += batch.items.length;
      cursor = batch.nextCursor;
      if (cursor) element.lastChild.textContent = `Reading the VMs… ${seen} of ${batch.total}`;
    } while (cursor);
    vms.sort((a, b) => b.haPriority - a.haPriority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const hostName = new Map(hosts.items.map((h) => [h.id, h.name]));
    const name = (id) => hostName.get(id) || id;
    const healthOf = new Map(status.hosts.map((h) => [h.hostId, h.health]));
    const latest = new Map();
    events.items.filter((e) => RESTART_DECISIONS.includes(e.action) && !latest.has(e.subjectId))
      .forEach((e) => latest.set(e.subjectId, e));
    const rows = vms.map((vm) => {
      const [word, why] = restartState(vm, vm.hostId ? healthOf.get(vm.hostId) : undefined, latest.get(vm.id), name);
      return [link(`/vms/${encodeURIComponent(vm.id)}`, vm.name), String(vm.haPriority),
        el('span', { class: `state ${vm.state.toLowerCase()}` }, vm.state.toLowerCase()),
        vm.hostId ? name(vm.hostId) : '—', el('span', { class: `state restart-${word.replace(/ /g, '-')}` }, word), why];
    });
    element.replaceChildren(el('h2', { id: 'ha-vms' }, 'Protected VMs'),
      el('p', { class: 'muted', 'data-testid': 'ha-vm-count' }, `${vms.length} of ${seen} VMs are protected; the`
        + ' highest priority restarts first.'),
      vms.length ? table('Protected VMs, highest priority first', ['VM', 'Priority', 'State', 'Host', 'Restart', 'Why'],
        rows, { class: 'ha-vms' }) : el('p', {}, 'No VM is protected: give one an HA priority from its page.'));
    element.setAttribute('aria-busy', 'false');
  };
  return { element, read };
}

/** What HA does for a protected VM now, or did last: a word and the sentence behind it. */
function restartState(vm, hostHealth, decision, name) {
  const host = vm.hostId ? name(vm.hostId) : '';
  switch (hostHealth) {
    case 'SUSPECT': return ['watching', `host ${host} does not answer; HA judges it at the end of its detection window`];
    case 'ISOLATED': return ['waiting', `host ${host} is cut off but alive: nothing restarts while it holds its disks`];
    case 'FENCING': return ['waiting', `host ${host} is being fenced; the VM restarts once the fence is confirmed`];
    default:
  }
  const planned = decision && decision.action === 'ha.restart.planned' ? decision.detail.match(PLANNED) : null;
  if (planned && vm.hostId === planned[1] && vm.state !== 'RUNNING') {
    return ['restarting', `on ${name(planned[2])}, planned ${new Date(decision.at).toLocaleString()}`];
  }
  if (decision && decision.action === 'ha.restart.unplaced' && vm.state !== 'RUNNING') {
    return ['cannot restart', decision.detail];
  }
  if (planned && vm.hostId !== planned[1]) {
    return ['restarted', `from ${name(planned[1])} on ${name(planned[2])}, ${new Date(decision.at).toLocaleString()}`];
  }
  if (vm.state !== 'RUNNING') return ['not running', 'HA restarts a VM that was running when its host failed'];
  return ['ready', `HA restarts it elsewhere if host ${host} fails`];
}

/** A VM's HA protection, changed in place: its restart priority, or none. */
export function vmProtection(vm, vmHa) {
  const priority = el('input', { name: 'ha-priority', type: 'number', min: '1', max: '1000', inputmode: 'numeric',
    value: String(vmHa ? vmHa.priority || '' : vm.haPriority || '') });
  const enabled = el('input', { type: 'checkbox', id: 'ha-enabled', name: 'ha-enabled', checked: vmHa ? vmHa.enabled : vm.protected });
  const message = el('div');
  const form = el('form', { class: 'bar-form', 'aria-labelledby': 'protection' },
    el('div', { class: 'check' }, enabled, el('label', { for: 'ha-enabled' }, 'HA restarts it when its host fails')),
    field('Restart priority', priority, 'Higher restarts first.'),
    el('button', { type: 'submit' }, 'Save protection'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.replaceChildren();
    const change = { enabled: enabled.checked };
    if (priority.value) change.priority = Number(priority.value);
    try {
      const now = await request('PUT', `/vms/${encodeURIComponent(vm.id)}/ha`, change);
      message.replaceChildren(el('p', { 'data-testid': 'ha-saved' },
        now.enabled ? `Protected, priority ${now.priority}.` : 'Not protected.'));
      say(message.textContent);
    } catch (e) {
      message.replaceChildren(errorBox(e));
    }
  });
  return el('section', { 'aria-labelledby': 'protection' }, el('h2', { id: 'protection' }, 'HA protection'), form);
}

// --- audit ------------------------------------------------------------------------------------------------------

const AUDIT_PAGE = 50;

export async function auditPage() {
  page('Audit log');
  const result = el('div');
  const check = el('div');
  let offset = Number(new URLSearchParams(location.search).get('offset') || 0);
  const load = async () => {
    const entries = await get(`/audit?offset=${offset}&limit=${AUDIT_PAGE + 1}`);
    const shown = entries.items.slice(0, AUDIT_PAGE);
    const more = entries.items.length > AUDIT_PAGE;
    history.replaceState(null, '', offset ? `/audit?offset=${offset}` : '/audit');
    result.replaceChildren(
      el('p', { class: 'muted', 'data-testid': 'audit-range' }, shown.length
        ? `Entries ${offset + 1}–${offset + shown.length}, newest first` : 'No entries here.'),
      table('Audit log, newest first', ['#', 'When', 'Who', 'Action', 'Subject', 'Detail'], shown.map((e) => [
        String(e.seq), when(e.at), e.actor, e.action, el('code', {}, e.subjectId), e.detail]), { class: 'audit' }),
      el('div', { class: 'pager' },
        el('button', { type: 'button', disabled: offset ? null : '', onclick: () => { offset = Math.max(0, offset - AUDIT_PAGE); load(); } }, 'Newer entries'),
        el('button', { type: 'button', disabled: more ? null : '', onclick: () => { offset += AUDIT_PAGE; load(); } }, 'Older entries')));
    say(`Audit entries ${offset + 1} to ${offset + shown.length}`);
  };
  const verify = async () => {
    check.replaceChildren(el('p', {}, 'Walking the chain…'));
    try {
      const v = await get('/audit/verify');
      check.replaceChildren(el('p', { class: v.intact ? 'state done' : 'error', role: 'status', 'data-testid': 'audit-verified' },
        v.intact ? `The chain holds: ${v.entries} entries, each hashed with the one before.`
          : `The chain breaks at entry ${v.firstBrokenSeq}: ${v.reason}`));
    } catch (e) {
      check.replaceChildren(errorBox(e));
    }
  };
  main.append(el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'quiet', onclick: verify }, 'Verify the chain'),
    el('a', { href: '/api/v1/audit/export', download: 'paddock-audit.jsonl', class: 'button quiet' }, 'Export')), check, result);
  await load();
}

// --- users and roles --------------------------------------------------------------------------------------------

export async function usersPage() {
  page('Users and roles');
  const body = el('div');
  const notice = el('div', { 'aria-live': 'polite' });
  main.append(notice, body);
  const draw = async () => {
    const [users, roles, grants, sites, clusters] = await Promise.all([get('/users'), get('/roles'), get('/grants'),
      get('/sites'), get('/clusters')]);
    const scopeName = (g) => {
      if (g.scope === 'all' || !g.scopeId) return 'everything';
      const named = (g.scope === 'site' ? sites : clusters).items.find((s) => s.id === g.scopeId);
      return `${g.scope} ${named ? named.name : g.scopeId}`;
    };
    const act = async (call, done) => {
      notice.replaceChildren();
      try {
        await call();
        say(done);
        await draw();
      } catch (e) {
        notice.replaceChildren(errorBox(e));
      }
    };
    const userRows = users.items.map((u) => [u.name, u.groups.join(', ') || '—',
      u.grants.map((g) => `${g.role} on ${scopeName(g)}${g.subjectKind === 'group' ? ` (group ${g.subject})` : ''}`).join('; ') || 'none',
      u.mustChangePassword ? 'yes' : 'no', when(u.createdAt),
      el('button', { type: 'button', class: 'quiet', 'aria-label': `Delete user ${u.name}`,
        onclick: () => act(() => del(`/users/${encodeURIComponent(u.id)}`), `User ${u.name} deleted`) }, 'Delete')]);
    const grantRows = grants.items.map((g) => [`${g.subjectKind} ${g.subject}`, g.role, scopeName(g),
      el('button', { type: 'button', class: 'quiet', 'aria-label': `Remove grant of ${g.role} to ${g.subject}`,
        onclick: () => act(() => del(`/grants/${encodeURIComponent(g.id)}`), `Grant of ${g.role} to ${g.subject} removed`) }, 'Remove')]);
    const roleRows = roles.items.map((r) => [r.name, r.builtIn ? 'built in' : 'made here',
      el('span', { class: 'permissions' }, r.permissions.join(', '))]);
    body.replaceChildren(
      el('section', { 'aria-labelledby': 'users' }, el('h2', { id: 'users' }, 'Users'),
        table('Users', ['Name', 'Groups', 'Roles', 'Must change password', 'Created', ''], userRows, { class: 'users' }),
        newUserForm(notice, draw)),
      el('section', { 'aria-labelledby': 'grants' }, el('h2', { id: 'grants' }, 'Grants'),
        table('Grants', ['To', 'Role', 'On', ''], grantRows, { class: 'grants' }),
        grantForm(users, roles, sites, clusters, notice, draw)),
      el('section', { 'aria-labelledby': 'roles' }, el('h2', { id: 'roles' }, 'Roles'),
        table('Roles and their permissions', ['Role', 'Kind', 'Permissions'], roleRows, { class: 'roles' })));
  };
  await draw();
}

function newUserForm(notice, redraw) {
  const form = el('form', { class: 'bar-form', 'aria-label': 'New user' },
    field('New user', el('input', { name: 'new-user', autocomplete: 'off', required: '' })),
    field('Groups', el('input', { name: 'new-groups', autocomplete: 'off' }), 'Separated by commas; may be empty.'),
    el('button', { type: 'submit' }, 'Create user'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    notice.replaceChildren();
    const groups = form['new-groups'].value.split(',').map((g) => g.trim()).filter(Boolean);
    try {
      const made = await post('/users', { name: form['new-user'].value.trim(), groups });
      await redraw();
      // the generated password is shown once, here; the user must change it when signing in
      notice.replaceChildren(el('div', { class: 'card', role: 'status' },
        el('p', {}, `User ${made.user.name} was made. Their one-time password, shown only now: `,
          el('code', { 'data-testid': 'one-time-password' }, made.oneTimePassword))));
    } catch (e) {
      notice.replaceChildren(errorBox(e));
    }
  });
  return form;
}

function grantForm(users, roles, sites, clusters, notice, redraw) {
  const scopes = [el('option', { value: '' }, 'everything'),
    ...sites.items.map((s) => el('option', { value: `site:${s.id}` }, `site ${s.name}`)),
    ...clusters.items.map((c) => el('option', { value: `cluster:${c.id}` }, `cluster ${c.name}`))];
  const form = el('form', { class: 'bar-form', 'aria-label': 'New grant' },
    field('Grant to user', el('select', { name: 'grant-user' }, ...users.items.map((u) => el('option', { value: u.name }, u.name)))),
    field('Role', el('select', { name: 'grant-role' }, ...roles.items.map((r) => el('option', { value: r.name }, r.name)))),
    field('On', el('select', { name: 'grant-scope' }, ...scopes)),
    el('button', { type: 'submit' }, 'Grant'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    notice.replaceChildren();
    const grant = { user: form['grant-user'].value, role: form['grant-role'].value };
    const [kind, id] = form['grant-scope'].value.split(':');
    if (kind === 'site') grant.siteId = id;
    if (kind === 'cluster') grant.clusterId = id;
    try {
      await post('/grants', grant);
      say(`Role ${grant.role} granted to ${grant.user}`);
      await redraw();
    } catch (e) {
      notice.replaceChildren(errorBox(e));
    }
  });
  return form;
}
