// The topology graph: topics and streams as SVG nodes, laid out left to right in layers
// (input topics, the streams reading them, their outputs, the streams reading those, ...).
// The graph is rebuilt only when the topology changes; every poll only updates texts and classes,
// so the flow animation and the browser's layout stay put between polls.

const SVG = 'http://www.w3.org/2000/svg';
const COLUMN_GAP = 96;
const ROW_GAP = 16;
const PAD = 20;
const TOPIC_HEIGHT = 46;
const STREAM_HEIGHT = 64;
const TABLE_HEIGHT = 46;

const measure = document.createElement('canvas').getContext('2d');

function textWidth(text, font) {
  measure.font = font;
  return measure.measureText(text).width;
}

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs || {})) {
    node.setAttribute(key, value);
  }
  if (parent) {
    parent.appendChild(node);
  }
  return node;
}

/**
 * The names of a stream's tables, whatever shape the endpoint gives them in (absent: none): the list's compact
 * form (an object by table name), or one entry per table partition ({ table, partition, role, ... }).
 */
export function tableNames(stream) {
  const tables = stream.tables;
  if (Array.isArray(tables)) {
    return [...new Set(tables.map((table, i) => (typeof table === 'string' ? table
      : table.table || table.name || `table-${i}`)))];
  }
  return tables && typeof tables === 'object' ? Object.keys(tables) : [];
}

/**
 * What the stream's table partitions restore: { restoring, restored, remaining }, from the list's `restore` summary,
 * else summed over per-partition entries; zeros when nothing restores.
 */
export function restoreOf(stream) {
  const summary = stream.restore;
  if (summary && typeof summary === 'object' && typeof summary.restoring === 'number') {
    return { restoring: summary.restoring, restored: summary.restored || 0, remaining: summary.remaining || 0 };
  }
  const restore = { restoring: 0, restored: 0, remaining: 0 };
  const partitions = Array.isArray(stream.tables) ? stream.tables : [];
  for (const p of partitions) {
    if (p && p.role === 'RESTORING') {
      restore.restoring += 1;
      restore.restored += p.restored || 0;
      restore.remaining += p.remaining || 0;
    }
  }
  return restore;
}

/**
 * The compact summary of one table of a stream ({ active, restoring, standby, written, restores }, and for a
 * windowed table `windows`: one entry per partition), or null.
 */
export function tableSummary(stream, name) {
  const tables = stream.tables;
  if (tables && !Array.isArray(tables) && typeof tables === 'object') {
    return tables[name] && typeof tables[name] === 'object' ? tables[name] : null;
  }
  if (!Array.isArray(tables)) {
    return null;
  }
  const summary = { active: 0, restoring: 0, standby: 0, written: 0, restores: [] };
  for (const p of tables.filter((t) => t && t.table === name)) {
    summary.written += p.written || 0;
    if (p.role === 'ACTIVE') summary.active += 1;
    if (p.role === 'STANDBY') summary.standby += 1;
    if (p.role === 'RESTORING') {
      summary.restoring += 1;
      summary.restores.push({ partition: p.partition, restored: p.restored || 0, remaining: p.remaining || 0 });
    }
    if (p.windows && typeof p.windows === 'object') {
      (summary.windows = summary.windows || []).push({ partition: p.partition, role: p.role, ...p.windows });
    }
  }
  if (summary.windows) {
    summary.windows.sort((a, b) => a.partition - b.partition);
  }
  return summary;
}

/** Identifies the topology, so the graph is rebuilt only when streams, topics or tables change. */
export function signature(streams) {
  return JSON.stringify(streams.map((s) => [s.name, s.input, s.outputs, s.deadLetterTopic, tableNames(s),
    (s.stages || []).map((stage) => stage.input)]));
}

/** Builds the nodes and edges of the graph from the streams. */
function model(streams) {
  const nodes = new Map();
  const edges = [];
  const node = (id, kind, name) => {
    if (!nodes.has(id)) {
      nodes.set(id, { id, kind, name, preds: [], succs: [], dlt: false });
    }
    return nodes.get(id);
  };
  const link = (from, to, kind, stream) => {
    edges.push({ from: from.id, to: to.id, kind, stream });
    from.succs.push(to);
    to.preds.push(from);
  };
  for (const s of streams) {
    const stream = node(`stream:${s.name}`, 'stream', s.name);
    stream.stream = s.name;
    // A re-keyed stream: input -> stage 1 -> repartition topic -> stage 2 -> tables and outputs.
    let last = stream;
    const stages = Array.isArray(s.stages) && s.stages.length === 2 ? s.stages : null;
    if (stages) {
      stream.stage = 1;
      const repartition = stages[1].input;
      link(stream, node(`topic:${repartition}`, 'topic', repartition), 'output', s.name);
      last = node(`stream:${s.name}#2`, 'stream', `${s.name} · re-keyed`);
      last.stream = s.name;
      last.stage = 2;
      link(nodes.get(`topic:${repartition}`), last, 'input', s.name);
    }
    if (s.input) {
      link(node(`topic:${s.input}`, 'topic', s.input), stream, 'input', s.name);
    }
    for (const output of s.outputs || []) {
      link(last, node(`topic:${output}`, 'topic', output), 'output', s.name);
    }
    if (s.deadLetterTopic) {
      const dlt = node(`topic:${s.deadLetterTopic}`, 'topic', s.deadLetterTopic);
      dlt.dlt = true;
      link(stream, dlt, 'dlt', s.name);
      if (stages) {
        link(last, dlt, 'dlt', s.name);
      }
    }
    for (const table of tableNames(s)) {
      const tableNode = node(`table:${s.name}/${table}`, 'table', table);
      tableNode.stream = s.name;
      link(last, tableNode, 'table', s.name);
    }
  }
  return { nodes, edges };
}

/** Longest-path layers; a cycle (refused by the starter at startup) is cut where it is met. */
function layers(nodes) {
  const layer = new Map();
  const visiting = new Set();
  const depth = (n) => {
    if (layer.has(n.id)) {
      return layer.get(n.id);
    }
    if (visiting.has(n.id)) {
      return 0;
    }
    visiting.add(n.id);
    const d = n.preds.length ? Math.max(...n.preds.map(depth)) + 1 : 0;
    visiting.delete(n.id);
    layer.set(n.id, d);
    return d;
  };
  nodes.forEach(depth);
  const columns = [];
  for (const n of nodes.values()) {
    (columns[layer.get(n.id)] ||= []).push(n);
  }
  return columns.map((c) => c || []);
}

function size(n) {
  const title = textWidth(n.name, n.kind === 'stream' ? '600 14px system-ui, sans-serif' : '13px ui-monospace, monospace');
  // Table nodes show what restores ("restoring 2 · 12,345 left") under their name.
  const min = n.kind === 'stream' ? 170 : n.kind === 'table' ? 160 : 130;
  return {
    width: Math.ceil(Math.max(min, title + 36)),
    height: n.kind === 'stream' ? STREAM_HEIGHT : n.kind === 'table' ? TABLE_HEIGHT : TOPIC_HEIGHT,
  };
}

/** Places the nodes: columns by layer, rows ordered by the mean row of their predecessors. */
function place(columns) {
  const order = new Map();
  columns.forEach((column, c) => {
    if (c > 0) {
      const rank = (n) => {
        const rows = n.preds.map((p) => order.get(p.id)).filter((r) => r !== undefined);
        const mean = rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
        // Dead-letter topics and tables go below the regular outputs of the same stream.
        return mean + (n.dlt ? 0.5 : 0) + (n.kind === 'table' ? 0.25 : 0);
      };
      column.sort((a, b) => rank(a) - rank(b));
    }
    column.forEach((n, row) => order.set(n.id, row));
  });
  const heights = columns.map((column) => column.reduce((h, n) => h + size(n).height, 0)
      + ROW_GAP * Math.max(0, column.length - 1));
  const tallest = Math.max(0, ...heights);
  let x = PAD;
  const boxes = new Map();
  columns.forEach((column, c) => {
    const width = Math.max(0, ...column.map((n) => size(n).width));
    let y = PAD + (tallest - heights[c]) / 2;
    for (const n of column) {
      const s = size(n);
      boxes.set(n.id, { x: x + (width - s.width) / 2, y, width: s.width, height: s.height });
      y += s.height + ROW_GAP;
    }
    x += width + COLUMN_GAP;
  });
  return { boxes, width: x - COLUMN_GAP + PAD, height: tallest + 2 * PAD };
}

function defs(svg) {
  const d = el('defs', {}, svg);
  for (const [id, cls] of [['arrow', 'arrow'], ['arrow-dlt', 'arrow arrow-dlt'], ['arrow-table', 'arrow arrow-table']]) {
    const marker = el('marker', {
      id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
    }, d);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: cls }, marker);
  }
}

function edgePath(from, to) {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x - 2;
  const y2 = to.y + to.height / 2;
  const bend = Math.max(30, (x2 - x1) / 2);
  return `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
}

/**
 * Draws the graph into the svg element and returns a handle whose update(streams, rates) refreshes the
 * counts and states shown on it.
 */
export function drawTopology(svg, streams) {
  svg.replaceChildren();
  const { nodes, edges } = model(streams);
  const { boxes, width, height } = place(layers(nodes));
  svg.setAttribute('viewBox', `0 0 ${Math.max(width, 200)} ${Math.max(height, 80)}`);
  svg.style.maxWidth = `${Math.max(width, 200)}px`;
  defs(svg);

  const edgeLayer = el('g', { class: 'edges' }, svg);
  const edgeEls = edges.map((e) => {
    const marker = e.kind === 'dlt' ? 'arrow-dlt' : e.kind === 'table' ? 'arrow-table' : 'arrow';
    const path = el('path', {
      d: edgePath(boxes.get(e.from), boxes.get(e.to)), class: `edge edge-${e.kind}`,
      'marker-end': `url(#${marker})`, 'data-edge-stream': e.stream,
    }, edgeLayer);
    return { edge: e, path };
  });

  const nodeLayer = el('g', { class: 'nodes' }, svg);
  const nodeEls = new Map();
  for (const n of nodes.values()) {
    const b = boxes.get(n.id);
    const g = el('g', {
      class: `node node-${n.kind}${n.dlt ? ' node-dlt' : ''}`, transform: `translate(${b.x} ${b.y})`,
      'data-node': n.id, 'data-kind': n.kind, 'data-name': n.name,
    }, nodeLayer);
    const title = el('title', {}, g);
    title.textContent = n.id;
    const rx = n.kind === 'topic' ? b.height / 2 : n.kind === 'table' ? 4 : 10;
    el('rect', { class: 'shape', width: b.width, height: b.height, rx, ry: rx }, g);
    const label = el('text', { class: 'label', x: b.width / 2, y: n.kind === 'stream' ? 22 : 19 }, g);
    label.textContent = n.name;
    const detail = el('text', { class: 'detail', x: b.width / 2, y: n.kind === 'stream' ? 41 : 35 }, g);
    let extra = null;
    let badge = null;
    if (n.kind === 'stream') {
      extra = el('text', { class: 'detail state-line', x: b.width / 2, y: 56 }, g);
      // Shown while table partitions of the stream restore, over the node's top edge.
      const group = el('g', { class: 'restore-badge', display: 'none' }, g);
      badge = { group, shape: el('rect', { height: 16, rx: 8, ry: 8, y: -9 }, group),
        text: el('text', { y: 3 }, group), width: b.width };
    }
    nodeEls.set(n.id, { node: n, g, detail, extra, badge });
  }

  return {
    update(current, rates) {
      const byName = new Map(current.map((s) => [s.name, s]));
      const intoTopic = new Map();
      const dltCounts = new Map();
      for (const s of current) {
        for (const [topic, count] of Object.entries(s.produced || {})) {
          intoTopic.set(topic, (intoTopic.get(topic) || 0) + count);
        }
        if (s.deadLetterTopic) {
          dltCounts.set(s.deadLetterTopic, (dltCounts.get(s.deadLetterTopic) || 0) + (s.deadLettered || 0));
        }
      }
      for (const { node: n, g, detail, extra, badge } of nodeEls.values()) {
        if (n.kind === 'stream') {
          const whole = byName.get(n.stream) || {};
          // A stage of a re-keyed stream shows its own counts, state and lag; its rate is the stream's.
          const s = n.stage && Array.isArray(whole.stages) ? whole.stages[n.stage - 1] || {} : whole;
          const rate = rates.get(n.stream);
          detail.textContent = `${formatCount(s.processed)} processed · ${formatRate(rate)}`;
          const lag = lagOf(s);
          extra.textContent = `${s.state || 'UNKNOWN'}${lag === null ? '' : ` · lag ${formatCount(lag)}`}`;
          g.setAttribute('data-state', s.state || 'UNKNOWN');
          if (n.stage) {
            g.setAttribute('data-stage', String(n.stage));
          }
          updateBadge(g, badge, n.stage === 1 ? { restoring: 0 } : restoreOf(whole));
        } else if (n.kind === 'topic') {
          if (n.dlt) {
            const letters = dltCounts.get(n.name) || 0;
            detail.textContent = `${formatCount(letters)} dead letter${letters === 1 ? '' : 's'}`;
          } else if (intoTopic.has(n.name)) {
            detail.textContent = `${formatCount(intoTopic.get(n.name))} produced`;
          } else {
            const readers = current.filter((s) => s.input === n.name);
            const consumed = readers.reduce((total, s) => total + (s.consumed || 0), 0);
            // (A repartition topic is written by its stream's first stage, so it shows what was produced.)
            detail.textContent = `${formatCount(consumed)} consumed`;
          }
        } else {
          detail.textContent = tableDetail(tableSummary(byName.get(n.stream) || {}, n.name));
        }
      }
      for (const { edge, path } of edgeEls) {
        const s = byName.get(edge.stream) || {};
        const flowing = (rates.get(edge.stream) || 0) > 0 && s.state === 'RUNNING';
        path.classList.toggle('flowing', flowing && edge.kind !== 'dlt');
      }
    },
  };
}

/** Shows "restoring N / remaining R" over a stream node while its table partitions restore. */
function updateBadge(g, badge, restore) {
  if (!restore.restoring) {
    badge.group.setAttribute('display', 'none');
    g.removeAttribute('data-restoring');
    return;
  }
  const text = `restoring ${formatCount(restore.restoring)} / remaining ${formatCount(restore.remaining)}`;
  if (badge.text.textContent !== text) {
    badge.text.textContent = text;
    const width = Math.ceil(textWidth(text, '600 10px system-ui, sans-serif')) + 14;
    // Right-aligned over the node's top edge; centred when wider than the node.
    const x = width + 12 > badge.width ? (badge.width - width) / 2 : badge.width - width - 6;
    badge.shape.setAttribute('x', x);
    badge.shape.setAttribute('width', width);
    badge.text.setAttribute('x', x + width / 2);
  }
  badge.group.setAttribute('display', 'inline');
  g.setAttribute('data-restoring', String(restore.restoring));
}

/** A table node's line: what restores, else its partitions by role. */
function tableDetail(summary) {
  if (!summary) {
    return 'table';
  }
  if (summary.restoring) {
    const remaining = (summary.restores || []).reduce((total, r) => total + (r.remaining || 0), 0);
    return `restoring ${summary.restoring} · ${formatCount(remaining)} left`;
  }
  const parts = [`${summary.active || 0} active`];
  if (summary.standby) {
    parts.push(`${summary.standby} standby`);
  }
  return parts.join(' · ');
}

/** The stream's lag: the endpoint's total, else the sum over its partitions, else null when unknown. */
export function lagOf(stream) {
  if (typeof stream.lag === 'number' && stream.lag >= 0) {
    return stream.lag;
  }
  let total = null;
  for (const p of Object.values(stream.partitions || {})) {
    if (p && typeof p === 'object') {
      const lag = typeof p.lag === 'number' && p.lag >= 0 ? p.lag
        : p.end >= 0 && p.committed >= 0 ? p.end - p.committed : null;
      if (lag !== null) {
        total = (total || 0) + lag;
      }
    }
  }
  return total;
}

const counts = new Intl.NumberFormat('en-US');

export function formatCount(value) {
  return typeof value === 'number' ? counts.format(value) : '–';
}

export function formatRate(rate) {
  if (typeof rate !== 'number') {
    return '– rec/s';
  }
  return `${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} rec/s`;
}
