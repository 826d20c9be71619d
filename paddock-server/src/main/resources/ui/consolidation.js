// The consolidation planner: a CSV of physical servers in (the one `paddock consolidate plan` reads), the plan's
// report out (hosts needed with the N+1 spare, power, cost, licences, where each application's VM goes), and the
// plan's migration submitted as one operation onto a cluster's hosts.
import { get, post } from './api.js';
import { el, errorBox, field, mib, say, table } from './dom.js';
import { main, operationProgress, page } from './view.js';

const number = (value) => Math.round(value).toLocaleString('en-GB');
const change = (before, after) => `${number(before)} → ${number(after)}${before ? ` (${(((after - before) / before) * 100).toFixed(1)} %)` : ''}`;
const SHOWN_MIGRATIONS = 100;

function report(plan) {
  const c = plan.hostCapacity;
  const figures = table('The plan in figures', ['', 'Figure'], [
    ['Host model', `${plan.hostModel} (${c.cpuMillicores / 1000} cores, ${mib(c.memoryMib)}), headroom ${plan.headroomPercent} %`],
    ['Physical servers', number(plan.serversBefore)],
    ['VMs (one per application)', number(plan.vms)],
    ['Hosts for the load', number(plan.hostsForLoad)],
    ['Hosts with the N+1 spare', number(plan.hostsWithSpare)],
    ['Servers saved', number(plan.serversSaved)],
    ['Power (W)', change(plan.wattsBefore, plan.wattsAfter)],
    ['Purchase cost', change(plan.costBefore, plan.costAfter)],
  ], { class: 'plan-figures' });
  const licences = plan.licences.length
    ? table('Licences before and after', ['Licence', 'Servers before', 'VMs after', 'Hosts after'], plan.licences.map((l) => [
      l.licence, number(l.physicalServers), number(l.vms), number(l.hosts)]), { class: 'plan-licences' })
    : el('p', {}, 'No server names a licence.');
  const migrations = table('Where each application goes', ['VM', 'From server', 'Application', 'Host', 'CPU', 'Memory'],
    plan.migrations.slice(0, SHOWN_MIGRATIONS).map((m) => [m.vm, m.server, m.application, `host ${m.host}`,
      `${(m.demand.cpuMillicores / 1000).toFixed(1)} cores`, mib(m.demand.memoryMib)]), { class: 'plan-migrations' });
  return [
    el('h2', { id: 'plan-report' }, 'The plan'), figures,
    el('h3', {}, 'Licences'), licences,
    el('h3', {}, 'Migrations'),
    el('p', { class: 'muted' }, plan.migrations.length > SHOWN_MIGRATIONS
      ? `The first ${SHOWN_MIGRATIONS} of ${plan.migrations.length} VMs.` : `${plan.migrations.length} VMs.`),
    migrations,
  ];
}

export async function consolidationPage() {
  page('Consolidation planner');
  const clusters = await get('/clusters');
  const errors = el('div');
  const result = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'card grid', novalidate: '' },
    field('Servers (CSV)', el('input', { name: 'inventory', type: 'file', accept: '.csv,text/csv', required: '' }),
      'One line per physical server, with the header of examples/consolidation/servers-200.csv.'),
    field('Host model', el('input', { name: 'model', value: 'medium', autocomplete: 'off', list: 'host-models' }),
      'small, medium or large; or cpu=…,memory=…,disk=…,network=…,watts=…,cost=…'),
    el('datalist', { id: 'host-models' }, ...['small', 'medium', 'large'].map((m) => el('option', { value: m }))),
    field('Headroom (%)', el('input', { name: 'headroom', type: 'number', min: '0', max: '1000', value: '20', inputmode: 'numeric' })),
    field('Search for (seconds)', el('input', { name: 'seconds', type: 'number', min: '1', max: '120', value: '10', inputmode: 'numeric' }),
      'The planner packs for this long at most.'),
    errors,
    el('button', { type: 'submit' }, 'Plan'));
  let asked = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const file = form.inventory.files[0];
    if (!file) {
      errors.replaceChildren(errorBox(new Error('Choose the CSV of servers first.')));
      return;
    }
    asked = { inventory: await file.text(), hostModel: form.model.value.trim(), headroomPercent: Number(form.headroom.value),
      seconds: Number(form.seconds.value) };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    result.replaceChildren(el('p', {}, 'Planning…'));
    try {
      const plan = await post('/consolidation/plans', asked);
      result.replaceChildren(...report(plan), submitForm(clusters, asked));
      say(`The plan: ${plan.vms} VMs on ${plan.hostsWithSpare} hosts`);
    } catch (e) {
      result.replaceChildren();
      errors.replaceChildren(errorBox(e));
    } finally {
      button.disabled = false;
    }
  });
  main.append(form, result);
}

/** Submits the planned migration onto a cluster's hosts (name order), followed live. */
function submitForm(clusters, asked) {
  const errors = el('div');
  const progress = el('div');
  const form = el('form', { class: 'bar-form', 'aria-labelledby': 'plan-submit' },
    field('Onto cluster', el('select', { name: 'plan-cluster' }, ...clusters.items.map((c) => el('option', { value: c.id }, c.name)))),
    el('button', { type: 'submit' }, 'Submit the migration'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    try {
      const answer = await post('/consolidation/plans', { ...asked, clusterId: form['plan-cluster'].value, execute: true });
      const box = operationProgress(answer.operation, 'consolidation');
      progress.replaceChildren(box);
      box.focus();
    } catch (e) {
      errors.replaceChildren(errorBox(e));
    }
  });
  return el('section', { 'aria-labelledby': 'plan-submit' },
    el('h2', { id: 'plan-submit' }, 'Submit the plan'),
    el('p', {}, 'Records and defines each VM on the cluster\'s hosts, in name order, as one operation; refused with the reason when the cluster has too few or too small hosts.'),
    form, errors, progress);
}
