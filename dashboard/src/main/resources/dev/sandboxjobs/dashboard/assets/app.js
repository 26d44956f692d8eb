// The Sandbox Jobs dashboard: hand-written, no framework, no build step. Every page is drawn
// from the JSON API under /api/ (docs/dashboard.md); data only ever reaches the page through
// textContent, never as HTML.
'use strict';

const STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
const COLORS = {
  QUEUED: '#8aa4c8', RUNNING: '#1f6feb', SUCCEEDED: '#2da44e', FAILED: '#cf222e', CANCELLED: '#8c959f', TIMED_OUT: '#d4761c',
};
const main = () => document.getElementById('main');
let session = { role: 'read', canChange: false };
let cleanup = [];

// ------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'style') node.style.cssText = value; // CSSOM: allowed by the page's style-src 'self'
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children.flat()) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.code = body && body.error;
  }
}

async function api(path, options = {}) {
  const init = { method: options.method || 'GET', headers: { Accept: 'application/json' } };
  if (init.method !== 'GET') init.headers['X-Sandbox-Jobs'] = '1';
  const response = await fetch('/api' + path, init);
  const body = response.headers.get('Content-Type')?.includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function toast(message, isError) {
  const box = document.getElementById('toast');
  const node = el('div', { class: 'msg' + (isError ? ' error' : '') }, message);
  box.append(node);
  setTimeout(() => node.remove(), isError ? 8000 : 4000);
}

// Refreshed lists keep the nodes that did not change (a reader's selection, a focused button and
// a test's element references survive a refresh); only changed cells are replaced.
function patchRows(body, fresh, keyAttr, placeholder) {
  const old = new Map([...body.rows].filter((r) => r.hasAttribute(keyAttr)).map((r) => [r.getAttribute(keyAttr), r]));
  const rows = fresh.map((row) => {
    const prev = old.get(row.getAttribute(keyAttr));
    if (!prev || prev.cells.length !== row.cells.length) return row;
    for (const name of row.getAttributeNames()) prev.setAttribute(name, row.getAttribute(name));
    [...row.cells].forEach((cell, i) => {
      if (prev.cells[i].innerHTML !== cell.innerHTML) prev.cells[i].replaceWith(cell);
    });
    return prev;
  });
  if (!rows.length && placeholder) rows.push(placeholder);
  const current = [...body.rows];
  if (rows.length !== current.length || rows.some((row, i) => row !== current[i])) fill(body, ...rows);
}

function patchChildren(container, fresh, keyAttr) {
  const old = new Map([...container.children].map((n) => [n.getAttribute(keyAttr), n]));
  const nodes = fresh.map((node) => {
    const prev = old.get(node.getAttribute(keyAttr));
    return prev && prev.outerHTML === node.outerHTML ? prev : node;
  });
  const current = [...container.children];
  if (nodes.length !== current.length || nodes.some((n, i) => n !== current[i])) fill(container, ...nodes);
}

/** Replaces a node's children, leaving out null, undefined and false. */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

function every(ms, fn) {
  const id = setInterval(fn, ms);
  cleanup.push(() => clearInterval(id));
}

function pad(n) { return String(n).padStart(2, '0'); }

function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function ago(iso) {
  if (!iso) return '';
  return formatDuration(Date.now() - new Date(iso).getTime()) + ' ago';
}

function formatDuration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return ms + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

function badge(state) {
  return el('span', { class: 'badge ' + state, 'data-state': state }, state.replace('_', ' '));
}

function labelChips(labels) {
  return Object.entries(labels || {}).map(([k, v]) => el('span', { class: 'chip' }, `${k}=${v}`));
}

function link(href, ...children) {
  return el('a', { href, 'data-link': true }, ...children);
}

function failureBox(failure) {
  if (!failure) return null;
  return el('div', { class: 'failure' },
    el('strong', {}, failure.type), ': ', failure.message || '',
    failure.retryable ? el('span', { class: 'chip' }, 'retryable') : null,
    failure.stackTrace ? el('details', {}, el('summary', {}, 'stack trace'), el('pre', {}, failure.stackTrace)) : null);
}

function json(value) {
  return el('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

function showError(error) {
  fill(main(), el('h1', {}, 'Something went wrong'),
    el('div', { class: 'notice' }, error.code ? `${error.code}: ${error.message}` : String(error.message || error)));
}

// ------------------------------------------------------------------ router

const routes = [
  [/^\/$/, overviewPage, 'overview'],
  [/^\/runs$/, runsPage, 'runs'],
  [/^\/runs\/([^/]+)$/, runPage, 'runs'],
  [/^\/schedules$/, schedulesPage, 'schedules'],
  [/^\/sandboxes$/, sandboxesPage, 'sandboxes'],
];

async function render() {
  cleanup.forEach((fn) => fn());
  cleanup = [];
  const path = location.pathname;
  for (const [pattern, page, nav] of routes) {
    const match = path.match(pattern);
    if (match) {
      document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === nav));
      try {
        await page(...match.slice(1).map(decodeURIComponent));
      } catch (error) {
        showError(error);
      }
      return;
    }
  }
  showError(new Error('No page here.'));
}

function go(href) {
  history.pushState(null, '', href);
  render();
}

document.addEventListener('click', (event) => {
  const a = event.target.closest('a[data-link]');
  if (a && !event.ctrlKey && !event.metaKey && !event.shiftKey && a.origin === location.origin) {
    event.preventDefault();
    go(a.getAttribute('href'));
  }
});
window.addEventListener('popstate', render);

// ------------------------------------------------------------------ overview

async function overviewPage() {
  const range = new URLSearchParams(location.search).get('range') || '24h';
  const root = main();
  fill(root, el('h1', {}, 'Overview'));
  const cards = el('div', { class: 'cards', id: 'state-counts' });
  const chart = el('div', { class: 'panel chart', id: 'chart' });
  const metrics = el('div', { id: 'metrics' });
  root.append(cards, chart, metrics);

  async function refresh() {
    const data = await api('/overview?range=' + encodeURIComponent(range));
    patchChildren(cards, [
      el('a', { class: 'card', href: '/runs', 'data-link': true, 'data-count': 'TOTAL' },
        el('div', { class: 'label' }, 'all runs'), el('div', { class: 'n' }, data.total)),
      ...STATES.map((s) => el('a', { class: 'card', href: '/runs?state=' + s, 'data-link': true, 'data-count': s },
        el('div', { class: 'label' }, el('span', { class: 'dot', style: `background:${COLORS[s]}` }), s.replace('_', ' ')),
        el('div', { class: 'n' }, data.byState[s])))], 'data-count');
    fill(chart, chartHeader(range), drawChart(data.created, chart.clientWidth - 32), legend());
    if (data.metrics.length) {
      fill(metrics, el('h2', {}, 'Metrics'), el('div', { class: 'table' }, el('table', {},
        el('thead', {}, el('tr', {}, el('th', {}, 'meter'), el('th', {}, 'tags'), el('th', {}, 'value'))),
        el('tbody', {}, data.metrics.map((m) => el('tr', {}, el('td', { class: 'mono' }, m.name),
          el('td', {}, labelChips(m.tags)), el('td', {}, `${+m.value.toFixed(3)} ${m.unit}`)))))));
    } else {
      fill(metrics);
    }
  }
  await refresh();
  every(5000, () => refresh().catch(() => {}));
}

function chartHeader(range) {
  return el('div', { class: 'logbar', style: 'margin-top:0' }, el('h2', {}, 'Runs created over time'),
    el('span', { class: 'ranges' }, ['1h', '24h', '7d', '30d'].map((r) =>
      el('button', { class: r === range ? 'on' : '', onclick: () => go('/?range=' + r) }, r))));
}

function legend() {
  return el('div', { class: 'legend' }, STATES.map((s) =>
    el('span', {}, el('span', { class: 'dot', style: `background:${COLORS[s]}` }), ' ', s.replace('_', ' ').toLowerCase())));
}

function drawChart(created, available) {
  const buckets = created.buckets;
  const width = Math.max(480, available || 1000); // drawn at the panel's width: no scaling, no margins
  const height = 240;
  const left = 40;
  const top = 10;
  const bottom = 22;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const slot = (width - left) / Math.max(1, buckets.length);
  const bar = Math.max(1, slot * 0.8);
  const plot = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'runs created over time' });
  for (const fraction of [0, 0.5, 1]) {
    const y = top + (height - bottom - top) * (1 - fraction) + 0.5;
    plot.append(svg('line', { x1: left, x2: width, y1: y, y2: y, stroke: '#e4e8ee' }),
      svg('text', { x: left - 6, y: y + 3, 'text-anchor': 'end', class: 'axis' }, Math.round(max * fraction)));
  }
  const labelEvery = Math.ceil(buckets.length / 8);
  buckets.forEach((b, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    let y = height - bottom;
    for (const s of STATES) {
      const n = b.byState[s];
      if (!n) continue;
      const h = (height - bottom - top) * n / max;
      y -= h;
      plot.append(svg('rect', { x, y, width: bar, height: h, fill: COLORS[s] },
        svg('title', {}, `${formatTime(b.start)}: ${n} ${s.toLowerCase()}`)));
    }
    if (i % labelEvery === 0) {
      const d = new Date(b.start);
      const text = created.bucketMs >= 86400000 ? `${d.getMonth() + 1}/${d.getDate()}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
      plot.append(svg('text', { x: x + bar / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis' }, text));
    }
  });
  return plot;
}

// ------------------------------------------------------------------ runs

const TIME_RANGES = { '': 'any time', '1h': 'last hour', '24h': 'last 24 hours', '7d': 'last 7 days', '30d': 'last 30 days' };
const RANGE_MS = { '1h': 3600e3, '24h': 86400e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };

async function runsPage() {
  const params = new URLSearchParams(location.search);
  const root = main();
  const stateSelect = el('select', { name: 'state', id: 'filter-state' }, el('option', { value: '' }, 'any state'),
    STATES.map((s) => el('option', { value: s, selected: params.get('state') === s }, s.replace('_', ' ').toLowerCase())));
  const workflow = el('input', { name: 'workflow', id: 'filter-workflow', placeholder: 'e.g. testing-pipeline', value: params.get('workflow') || '' });
  const label = el('input', { name: 'label', id: 'filter-label', placeholder: 'name=value', value: params.get('label') || '' });
  const time = el('select', { name: 'time', id: 'filter-time' }, Object.entries(TIME_RANGES).map(([v, t]) =>
    el('option', { value: v, selected: (params.get('time') || '') === v }, t)));
  const form = el('form', { class: 'filters', id: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, input] of [['state', stateSelect], ['workflow', workflow], ['label', label], ['time', time]]) {
      if (input.value.trim()) next.set(k, input.value.trim());
    }
    go('/runs' + (next.toString() ? '?' + next : ''));
  } }, el('label', {}, 'State', stateSelect), el('label', {}, 'Workflow', workflow), el('label', {}, 'Label', label),
  el('label', {}, 'Created', time), el('button', { class: 'primary', type: 'submit' }, 'Filter'),
  el('button', { type: 'button', onclick: () => go('/runs') }, 'Clear'));
  const body = el('tbody', {});
  const table = el('div', { class: 'table' }, el('table', { id: 'runs-table' },
    el('thead', {}, el('tr', {}, ['Run', 'Workflow', 'State', 'Labels', 'Created', 'Duration', 'Attempt'].map((h) => el('th', {}, h)))),
    body));
  const pager = el('div', { class: 'pager' });
  fill(root, el('h1', {}, 'Runs'), form, table, pager);

  const query = new URLSearchParams();
  for (const k of ['state', 'workflow', 'label']) if (params.get(k)) query.set(k, params.get(k));
  if (RANGE_MS[params.get('time')]) query.set('from', new Date(Date.now() - RANGE_MS[params.get('time')]).toISOString());
  query.set('limit', '50');
  const pages = [null];
  let page = null;

  async function load() {
    const q = new URLSearchParams(query);
    if (page) q.set('page', page);
    const data = await api('/runs?' + q);
    patchRows(body, data.items.map(runRow), 'data-run-id', el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No runs match.')));
    const index = pages.indexOf(page);
    fill(pager, 
      el('button', { id: 'page-newer', disabled: index <= 0, onclick: () => { page = pages[index - 1]; load(); } }, '← Newer'),
      el('button', { id: 'page-older', disabled: !data.next, onclick: () => {
        if (!pages.includes(data.next)) pages.push(data.next);
        page = data.next;
        load();
      } }, 'Older →'),
      el('span', { class: 'muted' }, `page ${index + 1}` + (page ? '' : ' · refreshes every 2 s')));
  }
  await load();
  every(2000, () => { if (!page) load().catch(() => {}); });
}

function runRow(run) {
  return el('tr', { 'data-run-id': run.id, 'data-state': run.state },
    el('td', { class: 'mono' }, link('/runs/' + encodeURIComponent(run.id), run.id)),
    el('td', {}, run.workflow),
    el('td', {}, badge(run.state)),
    el('td', {}, labelChips(run.labels)),
    el('td', { class: 'nowrap', title: formatTime(run.createdAt) }, ago(run.createdAt)),
    el('td', { class: 'nowrap' }, formatDuration(run.durationMs)),
    el('td', {}, `${run.attempt}/${run.maxAttempts}`));
}

// ------------------------------------------------------------------ one run

async function runPage(id) {
  const root = main();
  const path = '/runs/' + encodeURIComponent(id);
  let run = await api(path);
  const title = el('h1', {});
  const actions = el('div', { class: 'actions', id: 'run-actions' });
  const details = el('div', { class: 'panel' });
  const steps = el('div', {});
  const artifacts = el('div', { id: 'artifacts' });
  const data = el('div', { id: 'run-data' });
  const live = el('span', { class: 'live', id: 'log-status' });
  const log = el('pre', { class: 'log', id: 'log', 'aria-label': 'log' });
  const follow = el('input', { type: 'checkbox', checked: true, id: 'log-follow' });
  const open = {};
  fill(root, title, actions, details, steps, artifacts,
    el('div', { class: 'logbar' }, el('h2', {}, 'Log'), live, el('label', { class: 'muted' }, follow, ' scroll with the log')), log, data);

  function block(name, value) {
    if (value === null || value === undefined) return null;
    const text = JSON.stringify(value, null, 2);
    const box = el('details', { open: open[name] ?? text.length < 400, ontoggle: (e) => { open[name] = e.target.open; } },
      el('summary', {}, name), json(value));
    return box;
  }

  function draw() {
    fill(title, el('span', { class: 'mono' }, run.id), el('span', { id: 'run-state' }, badge(run.state)));
    drawActions(run, actions);
    const labels = labelChips(run.labels);
    fill(details, el('div', { class: 'columns' },
      el('dl', { class: 'grid' },
        el('dt', {}, 'Workflow'), el('dd', {}, link('/runs?workflow=' + encodeURIComponent(run.workflow), run.workflow)),
        el('dt', {}, 'Created'), el('dd', {}, formatTime(run.createdAt)),
        el('dt', {}, 'Started'), el('dd', {}, formatTime(run.startedAt) || '—'),
        el('dt', {}, 'Finished'), el('dd', {}, formatTime(run.finishedAt) || '—'),
        el('dt', {}, 'Duration'), el('dd', {}, formatDuration(run.durationMs) || '—')),
      el('dl', { class: 'grid' },
        el('dt', {}, 'Attempt'), el('dd', {}, `${run.attempt} of ${run.maxAttempts}`),
        el('dt', {}, 'Sandbox'), el('dd', { class: 'mono' }, run.sandboxId || '—'),
        el('dt', {}, 'Schedule'), el('dd', {}, run.scheduleId || '—'),
        el('dt', {}, 'Labels'), el('dd', {}, labels.length ? labels : '—'))),
      ...(run.failure ? [el('div', { style: 'margin-top:12px' }, failureBox(run.failure))] : []));
    fill(steps, el('h2', {}, 'Steps'), el('div', { class: 'table' }, el('table', { id: 'steps-table' },
      el('thead', {}, el('tr', {}, ['#', 'Step', 'State', 'Attempt', 'Started', 'Duration', 'Failure'].map((h) => el('th', {}, h)))),
      el('tbody', {}, (run.steps || []).map((s) => el('tr', { 'data-step': s.name },
        el('td', {}, s.index + 1), el('td', {}, s.name), el('td', {}, badge(s.state)), el('td', {}, s.attempt),
        el('td', {}, formatTime(s.startedAt)), el('td', {}, formatDuration(s.durationMs)),
        el('td', {}, s.failure ? failureBox(s.failure) : '')))))));
    fill(data, el('h2', {}, 'Parameters and result'), el('div', { class: 'panel' },
      block('Parameters', run.parameters), block('Result', run.result)));
  }

  async function drawArtifacts() {
    const list = await api(path + '/artifacts');
    if (!list.items.length) {
      fill(artifacts, el('h2', {}, 'Artifacts'), el('div', { class: 'muted' }, run.finished ? 'None.' : 'None yet.'));
      return;
    }
    const report = list.items.find((a) => a.name === 'report.html');
    fill(artifacts, el('h2', {}, 'Artifacts'),
      report ? el('p', {}, el('a', { class: 'report-link', id: 'open-report', target: '_blank', rel: 'noopener',
        href: `/api${path}/artifacts/report.html` }, 'Open the report (report.html) ↗')) : null,
      el('div', { class: 'table' }, el('table', {}, el('tbody', {}, list.items.map((a) => el('tr', {},
        el('td', {}, el('a', { href: `/api${path}/artifacts/${encodeURIComponent(a.name)}`, target: '_blank', rel: 'noopener',
          'data-artifact': a.name }, a.name)),
        el('td', { class: 'muted' }, a.step), el('td', { class: 'muted' }, formatSize(a.size))))))));
  }

  draw();
  await drawArtifacts();

  const source = new EventSource(`/api${path}/logs/stream`);
  cleanup.push(() => source.close());
  live.textContent = 'following live';
  live.classList.add('on');
  source.addEventListener('line', (event) => {
    const line = JSON.parse(event.data);
    log.append(el('div', { class: 'line ' + line.stream },
      el('span', { class: 'step' }, `[${line.step}] `), line.text));
    if (follow.checked) log.scrollTop = log.scrollHeight;
  });
  source.addEventListener('state', (event) => {
    const wasFinished = run.finished;
    run = { ...JSON.parse(event.data) };
    api(path).then((full) => { run = full; draw(); if (run.finished && !wasFinished) drawArtifacts(); }).catch(() => {});
  });
  source.addEventListener('end', (event) => {
    source.close();
    live.classList.remove('on');
    live.textContent = 'run over (' + JSON.parse(event.data).state.toLowerCase().replace('_', ' ') + '); the log is complete';
    api(path).then((full) => { run = full; draw(); drawArtifacts(); }).catch(() => {});
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CONNECTING) live.textContent = 'reconnecting…';
  });
}

function formatSize(bytes) {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MiB';
}

function drawActions(run, box) {
  fill(box);
  if (!session.canChange) return;
  const act = (name, verb, then) => el('button', { id: 'action-' + name, class: name === 'cancel' ? 'danger' : '',
    onclick: async (event) => {
      event.target.disabled = true;
      try {
        const result = await api(`/runs/${encodeURIComponent(run.id)}/${name}`, { method: 'POST' });
        then(result);
      } catch (error) {
        toast(error.message, true);
      } finally {
        event.target.disabled = false;
      }
    } }, verb);
  if (!run.finished) {
    box.append(act('cancel', 'Cancel', (r) => toast(r.message)));
  }
  if (['FAILED', 'TIMED_OUT', 'CANCELLED'].includes(run.state)) {
    box.append(act('retry', 'Retry', (r) => { toast('Retrying as ' + r.id); go('/runs/' + encodeURIComponent(r.id)); }));
  }
  if (run.finished) {
    box.append(act('rerun', 'Re-run with the same parameters', (r) => { toast('Re-running as ' + r.id); go('/runs/' + encodeURIComponent(r.id)); }));
  }
}

// ------------------------------------------------------------------ schedules

async function schedulesPage() {
  const root = main();
  const body = el('tbody', {});
  fill(root, el('h1', {}, 'Schedules'), el('div', { class: 'table' }, el('table', { id: 'schedules-table' },
    el('thead', {}, el('tr', {}, ['Schedule', 'Workflow', 'Cron', 'State', 'Next fire', 'Previous fire', ''].map((h) => el('th', {}, h)))),
    body)));

  async function load() {
    const data = await api('/schedules');
    patchRows(body, data.items.map((s) => el('tr', { 'data-schedule-id': s.id },
      el('td', { class: 'mono' }, s.id),
      el('td', {}, link('/runs?workflow=' + encodeURIComponent(s.workflow), s.workflow)),
      el('td', { class: 'mono' }, s.cron, el('div', { class: 'muted' }, s.timeZone)),
      el('td', {}, el('span', { class: 'badge ' + (s.paused ? 'paused' : 'active') }, s.paused ? 'paused' : 'active')),
      el('td', {}, s.nextFireTime ? [formatTime(s.nextFireTime), el('div', { class: 'muted' }, 'in ' + formatDuration(new Date(s.nextFireTime) - Date.now()))] : '—'),
      el('td', {}, formatTime(s.previousFireTime) || '—'),
      el('td', {}, session.canChange ? el('div', { class: 'actions' },
        scheduleAction(s, s.paused ? 'resume' : 'pause', s.paused ? 'Resume' : 'Pause', load),
        scheduleAction(s, 'trigger', 'Trigger now', load)) : ''))), 'data-schedule-id', el('tr', {}, el('td', { colspan: 7, class: 'empty' },
      'No schedules. Create one with `sandbox-jobs schedule create` or jobs.schedule(...).')));
  }
  await load();
  every(5000, () => load().catch(() => {}));
}

function scheduleAction(schedule, name, verb, reload) {
  return el('button', { 'data-action': name, onclick: async (event) => {
    event.target.disabled = true;
    try {
      const result = await api(`/schedules/${encodeURIComponent(schedule.id)}/${name}`, { method: 'POST' });
      if (name === 'trigger') {
        toast('Queued ' + result.id);
      }
      await reload();
    } catch (error) {
      toast(error.message, true);
      event.target.disabled = false;
    }
  } }, verb);
}

// ------------------------------------------------------------------ sandboxes

async function sandboxesPage() {
  const root = main();
  const body = el('tbody', {});
  const notice = el('div', {});
  fill(root, el('h1', {}, 'Sandboxes'), notice, el('div', { class: 'table' }, el('table', { id: 'sandboxes-table' },
    el('thead', {}, el('tr', {}, ['Sandbox', 'State', 'Image', 'Age', 'Last activity', 'Run', ''].map((h) => el('th', {}, h)))),
    body)));

  async function load() {
    const data = await api('/sandboxes');
    fill(notice, data.unavailable ? el('p', { class: 'notice' }, data.unavailable) : '');
    patchRows(body, data.items.map((s) => {
      const run = s.labels['dev.sandboxjobs.run'];
      return el('tr', { 'data-sandbox-id': s.id },
        el('td', { class: 'mono' }, s.id),
        el('td', {}, badge(s.status)),
        el('td', { class: 'mono' }, s.image),
        el('td', { class: 'nowrap', title: formatTime(s.createdAt) }, formatDuration(s.ageMs)),
        el('td', { class: 'nowrap' }, ago(s.lastActivityAt)),
        el('td', { class: 'mono' }, run ? link('/runs/' + encodeURIComponent(run), run) : '—'),
        el('td', {}, session.canChange ? el('button', { class: 'danger', 'data-action': 'destroy', onclick: async (event) => {
          if (!confirm(`Destroy sandbox ${s.id}? Its container and files are removed.`)) return;
          event.target.disabled = true;
          try {
            await api('/sandboxes/' + encodeURIComponent(s.id) + '/destroy', { method: 'POST' });
            toast('Destroyed ' + s.id);
            await load();
          } catch (error) {
            toast(error.message, true);
            event.target.disabled = false;
          }
        } }, 'Destroy') : ''));
    }), 'data-sandbox-id', data.unavailable ? null : el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No sandboxes.')));
  }
  await load();
  every(5000, () => load().catch(() => {}));
}

// ------------------------------------------------------------------ start

async function start() {
  try {
    session = await api('/session');
    document.getElementById('role').textContent = session.canChange ? 'admin' : 'read-only';
  } catch (error) {
    showError(error);
    return;
  }
  render();
}

start();
