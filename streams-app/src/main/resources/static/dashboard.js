// The Millrace dashboard: polls GET actuator/streams every second, draws the topology, and shows each
// stream's throughput, lag, partitions and tables; the table browser (table-browser.js) reads the tables through the
// interactive queries. Pause/resume buttons appear only when the endpoint's
// write operation is exposed (management.endpoint.streams.access=unrestricted).
// Every URL is relative to the page, so the dashboard works under a servlet context path.

import {
  drawTopology, formatCount, formatRate, lagOf, restoreOf, signature, tableNames, tableSummary,
} from './topology.js';
import { updateBrowser } from './table-browser.js';

const POLL_MILLIS = 1000;
// Throughput is the change of `processed` over this window, smoother than two successive polls.
const RATE_WINDOW_MILLIS = 5000;
const SPARK_POINTS = 60;

const history = new Map(); // stream name -> [{ t, processed }], oldest first, within the window
const sparks = new Map(); // stream name -> the last SPARK_POINTS rates
const cards = new Map(); // stream name -> card elements
let graph = null;
let graphSignature = null;
let writes = null; // null: not known yet; true/false once the endpoint's methods are known
let latest = [];

const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') {
      node.className = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value);
    }
  }
  for (const child of children) {
    node.append(child);
  }
  return node;
}

// ---- polling ------------------------------------------------------------------------------------

async function poll() {
  try {
    const response = await fetch('actuator/streams', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (response.status === 404) {
      connection('error', 'streams endpoint not exposed (management.endpoints.web.exposure.include)');
    } else if (!response.ok) {
      connection('error', `streams endpoint answered ${response.status}`);
    } else {
      const body = await response.json();
      render(Array.isArray(body.streams) ? body.streams : [], performance.now());
      connection('live', `live · ${new Date().toLocaleTimeString()}`);
    }
  } catch (e) {
    connection('error', 'connection lost, retrying…');
  } finally {
    setTimeout(poll, POLL_MILLIS);
  }
}

function connection(state, text) {
  const node = $('connection');
  node.dataset.state = state;
  node.textContent = text;
}

/** Records/s over the rate window, from successive `processed` counts; null until two polls are in. */
function throughput(stream, now) {
  let samples = history.get(stream.name) || [];
  const last = samples[samples.length - 1];
  if (last && stream.processed < last.processed) {
    samples = []; // the counts restarted (a new instance behind the same address)
  }
  samples.push({ t: now, processed: stream.processed || 0 });
  while (samples.length > 2 && now - samples[1].t >= RATE_WINDOW_MILLIS) {
    samples.shift();
  }
  history.set(stream.name, samples);
  if (samples.length < 2) {
    return typeof stream.processedRate === 'number' ? stream.processedRate : null;
  }
  const first = samples[0];
  return ((stream.processed - first.processed) * 1000) / (now - first.t);
}

function render(streams, now) {
  latest = streams;
  const rates = new Map();
  for (const s of streams) {
    const rate = throughput(s, now);
    rates.set(s.name, rate);
    const spark = sparks.get(s.name) || [];
    spark.push(rate || 0);
    sparks.set(s.name, spark.slice(-SPARK_POINTS));
  }
  const sig = signature(streams);
  if (sig !== graphSignature) {
    graph = drawTopology($('topology'), streams);
    graphSignature = sig;
  }
  graph.update(streams, rates);
  $('empty').hidden = streams.length > 0;
  if (writes === null && streams.length > 0) {
    detectWrites(streams[0].name);
  }
  renderStreams(streams, rates);
  renderTables(streams);
  updateBrowser(streams);
}

// ---- write operations ---------------------------------------------------------------------------

/**
 * Asks which methods the endpoint maps for one stream. OPTIONS is safe (it changes nothing) and Spring MVC
 * answers it from the mappings: `Allow` lists POST only when the write operation is exposed. The actuator
 * root's links are the same either way, so they cannot tell.
 */
async function detectWrites(name) {
  writes = false;
  try {
    const response = await fetch(`actuator/streams/${encodeURIComponent(name)}`, { method: 'OPTIONS' });
    const allow = (response.headers.get('Allow') || '').toUpperCase().split(/\s*,\s*/);
    writes = response.ok && allow.includes('POST');
  } catch (e) {
    writes = false;
  }
  const mode = $('writes');
  mode.hidden = false;
  mode.dataset.writes = String(writes);
  mode.textContent = writes ? 'writes enabled' : 'read-only';
  mode.title = writes ? 'management.endpoint.streams.access=unrestricted: streams can be paused and resumed here'
    : 'Pause and resume need management.endpoint.streams.access=unrestricted';
  renderStreams(latest, new Map(latest.map((s) => [s.name, (sparks.get(s.name) || []).slice(-1)[0]])));
}

async function act(name, action, button) {
  button.disabled = true;
  try {
    const response = await fetch(`actuator/streams/${encodeURIComponent(name)}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action }),
    });
    if (response.status === 403 || response.status === 405) {
      writes = false;
      $('writes').dataset.writes = 'false';
      $('writes').textContent = 'read-only';
      message('error', `Cannot ${action} '${name}': the streams endpoint is read-only here (HTTP ${response.status}). `
        + 'Enable writes with management.endpoint.streams.access=unrestricted.');
    } else if (!response.ok) {
      message('error', `Cannot ${action} '${name}': HTTP ${response.status} ${await response.text()}`);
    } else {
      message('info', `${action} '${name}': ${(await response.json()).state || 'done'}`);
    }
  } catch (e) {
    message('error', `Cannot ${action} '${name}': ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

function message(kind, text) {
  const note = h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  $('messages').append(note);
  setTimeout(() => note.remove(), kind === 'error' ? 12000 : 4000);
}

// ---- stream cards -------------------------------------------------------------------------------

function stat(label, field) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label),
    h('span', { class: 'value', 'data-field': field }, '–'));
}

function card(name) {
  const buttons = h('div', { class: 'actions' },
    h('button', { type: 'button', 'data-action': 'pause', onclick: (e) => act(name, 'pause', e.target) }, 'Pause'),
    h('button', { type: 'button', 'data-action': 'resume', onclick: (e) => act(name, 'resume', e.target) }, 'Resume'),
    h('button', { type: 'button', 'data-action': 'restart', onclick: (e) => act(name, 'restart', e.target) }, 'Restart'));
  const partitions = h('tbody');
  const node = h('article', { class: 'card', 'data-stream': name },
    h('div', { class: 'card-head' },
      h('h3', {}, name), h('span', { class: 'badge', 'data-field': 'state' }, '…'),
      h('span', { class: 'badge restore', 'data-field': 'restore', hidden: '' }), buttons),
    h('p', { class: 'route', 'data-field': 'route' }),
    h('p', { class: 'error', 'data-field': 'error', hidden: '' }),
    h('div', { class: 'throughput' },
      h('div', {}, h('span', { class: 'big', 'data-field': 'rate' }, '–'), h('span', { class: 'unit' }, ' rec/s processed')),
      svgSpark()),
    h('div', { class: 'stats' },
      stat('consumed', 'consumed'), stat('processed', 'processed'), stat('filtered', 'filtered'),
      stat('dead-lettered', 'deadLettered'), stat('in flight', 'inFlight'), stat('lag', 'lag')),
    h('p', { class: 'produced', 'data-field': 'produced' }),
    h('p', { class: 'stream-tables', 'data-field': 'tables', hidden: '' }),
    h('div', { class: 'windows', 'data-field': 'windows', hidden: '' }),
    h('details', { class: 'partitions' },
      h('summary', { 'data-field': 'partitionSummary' }, 'partitions'),
      h('table', {},
        h('thead', {}, h('tr', {}, ...['partition', 'committed', 'end', 'lag', 'in flight', 'oldest waiting', '']
          .map((title) => h('th', {}, title)))),
        partitions)));
  return { node, buttons, partitions };
}

function svgSpark() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${SPARK_POINTS - 1} 30`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  svg.append(path);
  return svg;
}

function field(c, name) {
  return c.node.querySelector(`[data-field="${name}"]`);
}

function renderStreams(streams, rates) {
  const container = $('streams');
  const names = new Set(streams.map((s) => s.name));
  for (const [name, c] of cards) {
    if (!names.has(name)) {
      c.node.remove();
      cards.delete(name);
    }
  }
  streams.forEach((s, i) => {
    let c = cards.get(s.name);
    if (!c) {
      c = card(s.name);
      cards.set(s.name, c);
    }
    if (container.children[i] !== c.node) {
      container.insertBefore(c.node, container.children[i] || null); // the endpoint's order
    }
    updateCard(c, s, rates.get(s.name));
  });
}

function updateCard(c, s, rate) {
  const state = s.state || 'UNKNOWN';
  const badge = field(c, 'state');
  badge.textContent = state;
  badge.dataset.state = state;
  c.node.dataset.state = state;
  field(c, 'route').textContent = `${s.input} → ${(s.outputs || []).join(', ') || '(no outputs)'}`
    + `${s.deadLetterTopic ? ` · dead letters → ${s.deadLetterTopic}` : ''}`
    + ` · ${(s.guarantee || '').toLowerCase().replaceAll('_', '-')}`
    + ` · ${s.concurrency ?? '?'} client(s)${typeof s.workers === 'number' ? ` × ${s.workers} worker(s)` : ''}`;
  const error = field(c, 'error');
  error.hidden = !s.error;
  error.textContent = s.error || '';
  field(c, 'rate').textContent = formatRate(rate).replace(' rec/s', '');
  for (const name of ['consumed', 'processed', 'filtered', 'deadLettered', 'inFlight']) {
    const value = field(c, name);
    value.textContent = formatCount(s[name]);
    value.dataset.value = s[name] ?? '';
  }
  const lag = lagOf(s);
  field(c, 'lag').textContent = lag === null ? 'n/a' : formatCount(lag);
  field(c, 'deadLettered').classList.toggle('warn', (s.deadLettered || 0) > 0);
  field(c, 'produced').textContent = Object.keys(s.produced || {}).length
    ? `produced: ${Object.entries(s.produced).map(([t, n]) => `${t} ${formatCount(n)}`).join(' · ')}` : '';
  const restore = restoreOf(s);
  const restoreBadge = field(c, 'restore');
  restoreBadge.hidden = !restore.restoring;
  restoreBadge.textContent = restore.restoring
    ? `restoring ${formatCount(restore.restoring)} / remaining ${formatCount(restore.remaining)}` : '';
  restoreBadge.title = restore.restoring ? `${formatCount(restore.restored)} changelog records restored so far` : '';
  const names = tableNames(s);
  const tables = field(c, 'tables');
  tables.hidden = names.length === 0;
  tables.textContent = names.length ? `tables: ${names.join(', ')}` : '';
  windows(c, s, names);
  spark(c, sparks.get(s.name) || []);
  partitions(c, s);
  const show = (action, visible) => {
    c.buttons.querySelector(`[data-action="${action}"]`).hidden = !visible;
  };
  c.buttons.hidden = writes !== true;
  show('pause', ['RUNNING', 'WAITING_FOR_INPUT', 'CREATED'].includes(state));
  show('resume', state === 'PAUSED');
  show('restart', ['FAILED', 'STOPPED'].includes(state));
}

function spark(c, values) {
  const max = Math.max(1, ...values);
  const offset = SPARK_POINTS - values.length;
  const d = values.map((v, i) => `${i ? 'L' : 'M'} ${i + offset} ${(29 - (v / max) * 27).toFixed(1)}`).join(' ');
  c.node.querySelector('.spark path').setAttribute('d', d);
}

function partitions(c, s) {
  const entries = Object.entries(s.partitions || {}).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  const paused = new Set(s.paused || []);
  field(c, 'partitionSummary').textContent = `${entries.length} partition(s) assigned`
    + (paused.size ? `, ${paused.size} paused` : '');
  const known = (v) => (typeof v === 'number' && v >= 0 ? formatCount(v) : '–');
  c.partitions.replaceChildren(...entries.map(([name, p]) => {
    const view = p && typeof p === 'object' ? p : { committed: p };
    const isPaused = view.paused === true || paused.has(name);
    const lag = typeof view.lag === 'number' && view.lag >= 0 ? view.lag
      : view.end >= 0 && view.committed >= 0 ? view.end - view.committed : null;
    const waiting = view.oldestOffset >= 0 && typeof view.waitingMillis === 'number'
      ? `offset ${view.oldestOffset}, ${(view.waitingMillis / 1000).toFixed(1)} s` : '–';
    return h('tr', { 'data-partition': name },
      h('td', {}, name), h('td', {}, known(view.committed)), h('td', {}, known(view.end)),
      h('td', {}, known(lag)), h('td', {}, known(view.inFlight)), h('td', {}, waiting),
      h('td', {}, isPaused ? h('span', { class: 'badge', 'data-state': 'PAUSED' }, 'paused') : ''));
  }));
}

// ---- windowed tables ----------------------------------------------------------------------------

/** Epoch milliseconds as an ISO time to the second, '–' when absent (the endpoint leaves out a null stream time). */
function isoTime(millis) {
  return typeof millis === 'number' && Number.isFinite(millis)
    ? new Date(millis).toISOString().replace(/\.000Z$/, 'Z') : '–';
}

function formatBytes(bytes) {
  if (typeof bytes !== 'number' || bytes < 0) {
    return '–';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * The stream's windowed tables, one small table each: per partition its stream time, open windows, windows closed,
 * late records (dead-lettered / dropped), segments and size on disk. Hidden when the stream has none.
 */
function windows(c, s, names) {
  const windowed = names.map((name) => ({ name, summary: tableSummary(s, name) }))
    .filter((t) => t.summary && Array.isArray(t.summary.windows));
  const container = field(c, 'windows');
  container.hidden = windowed.length === 0;
  const count = (v) => (typeof v === 'number' ? formatCount(v) : '–');
  container.replaceChildren(...windowed.map((t) => h('table', { 'data-table': t.name },
    h('caption', {}, `windows of ${t.name}`
      + (t.summary.windows.some((w) => w.role && w.role !== 'ACTIVE') ? ' (greyed: standby or restoring)' : '')),
    h('thead', {}, h('tr', {},
      h('th', {}, 'partition'), h('th', {}, 'stream time'), h('th', {}, 'open'), h('th', {}, 'closed'),
      h('th', { title: 'late records: dead-lettered with reason LATE / dropped' }, 'late / dropped'),
      h('th', { title: 'the store: time segments, size on disk' }, 'segments, disk'))),
    h('tbody', {}, ...t.summary.windows.map((w) => h('tr', { 'data-partition': String(w.partition),
      'data-role': w.role || '' },
    h('td', { title: (w.role || '').toLowerCase() }, String(w.partition)),
    h('td', { 'data-field': 'streamTime', 'data-value': w.streamTime ?? '',
      title: typeof w.streamTime === 'number' ? `${w.streamTime} ms` : 'no record yet' }, isoTime(w.streamTime)),
    h('td', { 'data-field': 'open' }, count(w.open)),
    h('td', { 'data-field': 'closed', title: typeof w.lastClosedStart === 'number'
      ? `newest closed window started ${isoTime(w.lastClosedStart)}` : 'no window closed yet' }, count(w.closed)),
    h('td', { 'data-field': 'late', class: (w.late || 0) + (w.droppedLate || 0) > 0 ? 'warn' : '',
      title: `${count(w.late)} dead-lettered with reason LATE, ${count(w.droppedLate)} dropped` },
    `${count(w.late)} / ${count(w.droppedLate)}`),
    h('td', { title: typeof w.diskBytes === 'number' ? `${formatCount(w.diskBytes)} bytes on disk` : '' },
      h('span', { 'data-field': 'segments' }, count(w.segments)), ', ',
      h('span', { 'data-field': 'diskBytes' }, formatBytes(w.diskBytes)))))))));
}

// ---- tables -------------------------------------------------------------------------------------

/** Each table of each stream: its partitions by role, writes, and the partitions restoring with their progress. */
function tablesOf(s) {
  return tableNames(s).map((name) => ({ name, stream: s.name, summary: tableSummary(s, name) }));
}

function progress(restored, remaining, width) {
  const total = restored + remaining;
  const fraction = total > 0 ? restored / total : 0;
  return h('div', { class: 'progress', style: width ? `width: ${width}px` : '',
    title: `${formatCount(restored)} of ${formatCount(total)} restored` },
  h('div', { class: 'bar', style: `width: ${(fraction * 100).toFixed(1)}%` }));
}

function renderTables(streams) {
  const tables = streams.flatMap(tablesOf);
  const container = $('tables');
  if (!tables.length) {
    if (!container.querySelector('.empty')) {
      container.replaceChildren(h('p', { class: 'empty' }, 'No tables are reported by the streams endpoint.'));
    }
    return;
  }
  container.replaceChildren(...tables.map((t) => {
    const summary = t.summary || {};
    const restores = Array.isArray(summary.restores) ? summary.restores : [];
    const restored = restores.reduce((total, r) => total + (r.restored || 0), 0);
    const remaining = restores.reduce((total, r) => total + (r.remaining || 0), 0);
    const facts = [
      h('span', { class: 'fact' }, `stream ${t.stream}`),
      h('span', { class: 'fact' }, `${summary.active || 0} active`),
      h('span', { class: 'fact' }, `${summary.standby || 0} standby`),
      h('span', { class: 'fact' }, `writes ${formatCount(summary.written || 0)}`)];
    const restoring = restores.length === 0 ? [] : [
      h('span', { class: 'badge restore' }, `restoring ${restores.length} / remaining ${formatCount(remaining)}`),
      progress(restored, remaining),
      h('div', { class: 'restores' }, ...restores.map((r) => h('span', { class: 'restore-partition',
        'data-partition': String(r.partition) },
      h('span', { class: 'fact' }, `partition ${r.partition}`), progress(r.restored || 0, r.remaining || 0),
      h('span', { class: 'fact' }, `${formatCount(r.restored || 0)} restored, ${formatCount(r.remaining || 0)} left`))))];
    return h('div', { class: 'table-row', 'data-table': t.name, 'data-stream': t.stream },
      h('strong', {}, t.name), ...facts, ...restoring);
  }));
}

poll();
