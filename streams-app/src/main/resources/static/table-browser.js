// The dashboard's table browser: pick a stream and one of its tables (from what actuator/streams reports), look up a
// key (a windowed table's key: its windows between two times), page through the table with the cursors the query API
// gives, and see which instance owns which partition. It asks the interactive queries (millrace.queries.enabled):
//   GET streams/{stream}/tables/{table}/{key}[?from=&to=]   GET streams/{stream}/tables/{table}?limit=&after=
//   GET streams/{stream}/owners
// Every URL is relative to the page, as the rest of the dashboard's. Text goes in through textContent only.

import { tableNames, tableSummary } from './topology.js';

const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') {
      node.className = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else if (value !== null && value !== undefined) {
      node.setAttribute(key, value);
    }
  }
  for (const child of children) {
    node.append(child);
  }
  return node;
}

const state = {
  signature: null, // the streams and tables the pickers were built from
  streams: new Map(), // stream -> Map(table -> windowed: true, false, or null while not known)
  stream: null,
  table: null,
  learnt: new Set(), // "stream/table" of tables an answer showed to be windowed
  cursors: [null], // the `after` of each page reached so far; index 0 is the first page
  page: 0,
  next: null,
  seq: { lookup: 0, page: 0, owners: 0 }, // answers to superseded requests are dropped
};

const enc = encodeURIComponent;

/** Epoch milliseconds as an ISO time (UTC) to the second, or to the millisecond when it has them. */
function iso(millis) {
  return new Date(millis).toISOString().replace(/\.000Z$/, 'Z');
}

/** A value as text: strings as they are, anything else as JSON. */
function show(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// ---- the pickers --------------------------------------------------------------------------------

/** Called with every poll of actuator/streams: keeps the pickers in step with the streams and their tables. */
export function updateBrowser(streams) {
  const found = new Map();
  for (const s of streams) {
    const tables = new Map(tableNames(s).map((name) => {
      const summary = tableSummary(s, name);
      // Only a windowed table's summary has `windows`, but only while this instance holds one of its partitions.
      return [name, summary && Array.isArray(summary.windows) ? true : null];
    }));
    if (tables.size) {
      found.set(s.name, tables);
    }
  }
  state.streams = found;
  const signature = JSON.stringify([...found].map(([s, tables]) => [s, [...tables.keys()]]));
  $('browse-none').hidden = found.size > 0;
  $('browse').hidden = found.size === 0;
  if (signature !== state.signature) {
    state.signature = signature;
    const streamPicker = $('browse-stream');
    streamPicker.replaceChildren(...[...found.keys()].map((name) => h('option', { value: name }, name)));
    if (found.has(state.stream)) {
      streamPicker.value = state.stream;
      fillTables(state.table);
    } else if (found.size) {
      streamPicker.value = [...found.keys()][0];
      fillTables(null);
    } else {
      state.stream = null;
      state.table = null;
    }
  }
  kind();
}

function fillTables(wanted) {
  const stream = $('browse-stream').value;
  const tables = [...(state.streams.get(stream) || new Map()).keys()];
  const picker = $('browse-table');
  picker.replaceChildren(...tables.map((name) => h('option', { value: name }, name)));
  picker.value = tables.includes(wanted) ? wanted : tables[0];
  if (stream !== state.stream || picker.value !== state.table) {
    pick(stream, picker.value);
  }
}

function windowed() {
  if (state.learnt.has(`${state.stream}/${state.table}`)) {
    return true;
  }
  const tables = state.streams.get(state.stream);
  return tables ? tables.get(state.table) ?? null : null;
}

/** Shows whether the table is windowed, and the from/to inputs when it is. */
function kind() {
  const w = windowed();
  $('browse-kind').textContent = w === true ? 'windowed: a key has one value per window'
    : w === false ? 'key → value' : '';
  $('browse').dataset.windowed = String(w === true);
  document.querySelector('#lookup .window-range').hidden = w !== true;
  $('lookup-go').textContent = w === true ? 'Show windows' : 'Look up';
}

function pick(stream, table) {
  state.stream = stream;
  state.table = table;
  state.cursors = [null];
  state.page = 0;
  state.next = null;
  state.seq.lookup += 1;
  $('lookup-result').replaceChildren();
  $('page').replaceChildren(result('note', 'asking…'));
  $('page-position').textContent = '';
  $('owners').replaceChildren();
  kind();
  loadPage(0);
  loadOwners();
}

// ---- asking -------------------------------------------------------------------------------------

/** GETs a query; never throws: { status (0: no answer), body (parsed JSON or null), error, retryAfter }. */
async function ask(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    return { status: 0, body: null, error: e.message, retryAfter: null };
  }
  let body = null;
  try {
    const text = await response.text();
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null; // not JSON: a servlet container's error page
  }
  // The query API's errors are {"error": message}; Spring's own error page ({"status", "error": "Not Found", ...}),
  // answered when no query route matches, says nothing more than the status.
  const error = body && typeof body === 'object' && typeof body.error === 'string' && !('status' in body)
    ? body.error : null;
  return { status: response.status, body, error, retryAfter: response.headers.get('Retry-After') };
}

/** What went wrong, as a sentence: the query API's message, with what the status means. */
function problem(answer) {
  switch (answer.status) {
    case 0:
      return `No answer from the service: ${answer.error || 'connection lost'}`;
    case 503:
      return `Not available now (HTTP 503): ${answer.error || 'the partition restores or moves'}`
        + (answer.retryAfter ? `. Try again in ${answer.retryAfter} s.` : '');
    case 400:
      return `Refused (HTTP 400): ${answer.error || 'the service refused the request'}`;
    case 404:
      return `Not found (HTTP 404): ${answer.error || 'is millrace.queries.enabled set?'}`;
    default:
      return `HTTP ${answer.status}: ${answer.error || 'the query failed'}`;
  }
}

function result(kind, ...children) {
  return h('div', { class: `result result-${kind}`, 'data-result': kind }, ...children);
}

function failure(answer) {
  return result('error', h('span', { 'data-field': 'status' }, String(answer.status)), ' ',
    h('span', { 'data-field': 'message' }, problem(answer)));
}

// ---- a key --------------------------------------------------------------------------------------

/**
 * A time typed in a from/to input, in epoch milliseconds: digits are epoch milliseconds; anything else is read as an
 * ISO-8601 time, in UTC unless it names a zone (as the browser shows times). Empty: null (the service's default).
 */
export function parseTime(text, name) {
  const t = text.trim();
  if (!t) {
    return null;
  }
  if (/^-?\d+$/.test(t)) {
    return Number(t);
  }
  let candidate = t.replace(/^(\d{4}-\d\d-\d\d)[ ](\d)/, '$1T$2');
  if (/T\d/.test(candidate) && !/(Z|[+-]\d\d:?\d\d)$/i.test(candidate)) {
    candidate += 'Z';
  }
  const millis = Date.parse(candidate);
  if (Number.isNaN(millis)) {
    throw new Error(`'${name}' is neither an ISO-8601 time (2024-05-01T12:00:00Z) nor epoch milliseconds: ${t}`);
  }
  return millis;
}

function preset(event) {
  const range = event.target.dataset.range;
  $('lookup-from').value = range ? iso(Date.now() - Number(range)) : '';
  $('lookup-to').value = '';
}

async function lookup(event) {
  event.preventDefault();
  const out = $('lookup-result');
  const key = $('lookup-key').value;
  const seq = ++state.seq.lookup;
  if (!state.stream || !state.table) {
    return;
  }
  if (key === '') {
    out.replaceChildren(result('note', 'Type a key.'));
    return;
  }
  if (key.includes('/') || key === '.' || key === '..') {
    out.replaceChildren(result('error', "This key cannot be asked for: it would be a path of its own in the "
      + "query's URL (the service refuses an encoded '/', and '.' and '..' are dropped from URLs)."));
    return;
  }
  const isWindowed = windowed() === true;
  const params = new URLSearchParams();
  let from = null;
  let to = null;
  if (isWindowed) {
    try {
      from = parseTime($('lookup-from').value, 'from');
      to = parseTime($('lookup-to').value, 'to');
    } catch (e) {
      out.replaceChildren(result('error', e.message));
      return;
    }
    if (from !== null) params.set('from', String(from));
    if (to !== null) params.set('to', String(to));
  }
  const query = params.toString();
  const { stream, table } = state;
  out.replaceChildren(result('note', 'asking…'));
  const answer = await ask(`streams/${enc(stream)}/tables/${enc(table)}/${enc(key)}${query ? `?${query}` : ''}`);
  if (seq !== state.seq.lookup) {
    return;
  }
  if (answer.status === 200 && Array.isArray(answer.body)) {
    state.learnt.add(`${stream}/${table}`);
    kind();
    out.replaceChildren(windows(key, answer.body, from, to));
  } else if (answer.status === 200 && answer.body && typeof answer.body === 'object') {
    out.replaceChildren(result('value',
      h('dl', {}, h('dt', {}, 'key'), h('dd', { 'data-field': 'key' }, show(answer.body.key)),
        h('dt', {}, 'value'), h('dd', { 'data-field': 'value' }, show(answer.body.value)))));
  } else if (answer.status === 404 && answer.error && answer.error.includes('has no key')) {
    out.replaceChildren(result('absent', h('strong', {}, 'absent'), ' · ',
      h('span', { 'data-field': 'message' }, answer.error)));
  } else {
    out.replaceChildren(failure(answer));
  }
  if (answer.status === 503) {
    loadOwners();
  }
}

function timeCell(name, millis) {
  const ok = typeof millis === 'number';
  return h('td', { 'data-field': name, 'data-value': ok ? String(millis) : '',
    title: ok ? `${new Date(millis).toLocaleString()} (local time)` : '' },
  h('span', { class: 'time' }, ok ? iso(millis) : '–'), ' ', h('span', { class: 'ms' }, ok ? String(millis) : ''));
}

/** A key's windows, oldest first, as the service gives them. */
function windows(key, rows, from, to) {
  const range = `${from === null ? 'as far back as kept' : iso(from)} to ${to === null ? 'now' : iso(to)}`;
  if (!rows.length) {
    return result('absent', h('strong', {}, 'absent'), ' · ',
      h('span', { 'data-field': 'message' }, `no window of '${key}' starts from ${range}`));
  }
  return result('windows',
    h('p', { class: 'fact' }, `${rows.length} window(s) of '${key}' starting from ${range}`),
    h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, h('th', {}, 'window start'), h('th', {}, 'window end (exclusive)'),
        h('th', {}, 'value'))),
      h('tbody', {}, ...rows.map((w) => h('tr', { 'data-window-start': String(w.windowStart) },
        timeCell('windowStart', w.windowStart), timeCell('windowEnd', w.windowEnd),
        h('td', { 'data-field': 'value' }, show(w.value)))))));
}

// ---- pages --------------------------------------------------------------------------------------

async function loadPage(index) {
  const { stream, table } = state;
  if (!stream || !table) {
    return;
  }
  const seq = ++state.seq.page;
  const after = state.cursors[index];
  const limit = $('page-size').value;
  const out = $('page');
  setPaging(false);
  const answer = await ask(`streams/${enc(stream)}/tables/${enc(table)}?limit=${enc(limit)}`
    + (after ? `&after=${enc(after)}` : ''));
  if (seq !== state.seq.page) {
    return;
  }
  if (answer.status !== 200 || !answer.body || !Array.isArray(answer.body.entries)) {
    out.replaceChildren(failure(answer));
    setPaging(true);
    $('page-next').disabled = true;
    if (answer.status === 503) {
      loadOwners();
    }
    return;
  }
  const entries = answer.body.entries;
  state.page = index;
  state.cursors.length = index + 1;
  state.next = typeof answer.body.next === 'string' ? answer.body.next : null;
  const isWindowed = entries.some((e) => 'windowStart' in e) || windowed() === true;
  if (entries.some((e) => 'windowStart' in e)) {
    state.learnt.add(`${stream}/${table}`);
    kind();
  }
  const first = index * Number(limit) + 1;
  $('page-position').textContent = entries.length === 0
    ? (index === 0 ? 'the table is empty here' : `page ${index + 1} · no more entries`)
    : `page ${index + 1} · entries ${first}–${first + entries.length - 1}${state.next ? '' : ' · end of the table'}`;
  out.replaceChildren(entries.length === 0 ? result('note', 'No entries.') : h('table', { class: 'data' },
    h('thead', {}, h('tr', {}, h('th', {}, 'key'),
      ...(isWindowed ? [h('th', {}, 'window start'), h('th', {}, 'window end (exclusive)')] : []),
      h('th', {}, 'value'))),
    h('tbody', {}, ...entries.map((e) => h('tr', {},
      h('td', { 'data-field': 'key' }, h('button', { type: 'button', class: 'link', title: 'Look this key up',
        onclick: () => lookupKey(e.key) }, show(e.key))),
      ...(isWindowed ? [timeCell('windowStart', e.windowStart), timeCell('windowEnd', e.windowEnd)] : []),
      h('td', { 'data-field': 'value' }, show(e.value)))))));
  setPaging(true);
}

function lookupKey(key) {
  $('lookup-key').value = show(key);
  $('lookup').requestSubmit();
}

function setPaging(enabled) {
  $('page-first').disabled = !enabled || state.page === 0;
  $('page-previous').disabled = !enabled || state.page === 0;
  $('page-next').disabled = !enabled || !state.next;
}

function nextPage() {
  if (state.next) {
    state.cursors[state.page + 1] = state.next;
    loadPage(state.page + 1);
  }
}

// ---- owners -------------------------------------------------------------------------------------

async function loadOwners() {
  const { stream } = state;
  if (!stream) {
    return;
  }
  const seq = ++state.seq.owners;
  const answer = await ask(`streams/${enc(stream)}/owners`);
  if (seq !== state.seq.owners) {
    return;
  }
  const out = $('owners');
  if (answer.status !== 200 || !answer.body || !Array.isArray(answer.body.partitions)) {
    out.replaceChildren(failure(answer));
    return;
  }
  const { self, generation, partitions } = answer.body;
  const instance = (url) => (url === self ? h('span', { class: 'self', title: 'this instance' }, `${url} (this)`)
    : url);
  out.replaceChildren(
    h('p', { class: 'fact' }, `this instance: ${self ?? '?'} · assignment generation ${generation ?? '?'}`),
    partitions.length === 0 ? result('note', 'No partition is assigned yet.') : h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, h('th', {}, 'partition'), h('th', {}, 'owner'), h('th', {}, 'standbys'))),
      h('tbody', {}, ...partitions.map((p) => h('tr', { 'data-partition': String(p.partition) },
        h('td', {}, String(p.partition)),
        h('td', { 'data-field': 'owner', 'data-value': p.owner ?? '' },
          p.owner ? instance(p.owner) : h('span', { class: 'fact' }, 'none now (moving)')),
        h('td', { 'data-field': 'standbys' }, ...(Array.isArray(p.standbys) && p.standbys.length
          ? p.standbys.flatMap((url, i) => (i ? [', ', instance(url)] : [instance(url)]))
          : [h('span', { class: 'fact' }, '–')])))))));
}

// ---- wiring -------------------------------------------------------------------------------------

$('browse-stream').addEventListener('change', () => fillTables(null));
$('browse-table').addEventListener('change', (e) => pick($('browse-stream').value, e.target.value));
$('lookup').addEventListener('submit', lookup);
document.querySelectorAll('#lookup [data-range]').forEach((b) => b.addEventListener('click', preset));
$('page-first').addEventListener('click', () => loadPage(0));
$('page-previous').addEventListener('click', () => loadPage(Math.max(0, state.page - 1)));
$('page-next').addEventListener('click', nextPage);
$('page-size').addEventListener('change', () => {
  state.cursors = [null];
  loadPage(0);
});
$('owners-refresh').addEventListener('click', loadOwners);
