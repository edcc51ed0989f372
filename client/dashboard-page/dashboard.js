/* global document, window, fetch, URLSearchParams, uPlot, setTimeout, clearTimeout */
// The dashboard page: plain browser JavaScript, no build step; uPlot comes from the server's node_modules.
'use strict';

const DAY_CHOICES = [7, 14, 30, 60, 90, 180, 365];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const FILE_USE = { read: 'read', missing: 'none', unverified: 'does not match its manifest' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith('data-') || k === 'href' || k === 'title' || k === 'target' || k === 'rel')
      node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

async function getJson(path) {
  let res;
  try {
    res = await fetch(path);
  } catch (err) {
    throw new Error(`the dashboard server does not answer (${err.message})`);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

function query() {
  return new URLSearchParams(window.location.search);
}

function setQuery(changes) {
  const q = query();
  for (const [k, v] of Object.entries(changes)) q.set(k, v);
  window.history.replaceState(null, '', `?${q}`);
}

function utcDate(day) {
  return new Date(`${day}T00:00:00Z`);
}

function dayCell(day) {
  const d = utcDate(day.date);
  const label = [String(d.getUTCDate())];
  const attrs = {
    className: `day state-${day.state}`,
    title: `${day.date} ${day.state}: ${day.detail}`,
    'data-date': day.date,
    'data-state': day.state,
  };
  const month = el('span', { className: 'month' }, d.getUTCDate() === 1 ? MONTHS[d.getUTCMonth()] : '');
  if (!day.webUi) return el('span', attrs, month, ...label);
  return el('a', { ...attrs, href: day.webUi, target: '_blank', rel: 'noopener' }, month, ...label);
}

function calendar(days) {
  const grid = el('div', { className: 'calendar' }, ...WEEKDAYS.map((w) => el('span', { className: 'weekday' }, w)));
  const first = days[0] ? (utcDate(days[0].date).getUTCDay() + 6) % 7 : 0;
  for (let i = 0; i < first; i += 1) grid.append(el('span', {}));
  for (const day of days) grid.append(dayCell(day));
  return grid;
}

function summary(days) {
  const tally = {};
  for (const d of days) tally[d.state] = (tally[d.state] || 0) + 1;
  const parts = Object.entries(tally).map(([state, n]) => `${n} ${state}`);
  const range = days.length ? `${days[0].date} to ${days[days.length - 1].date}` : '';
  return el('p', { className: 'summary' }, `${range}: ${parts.join(', ')}`);
}

async function showCalendar(exp, days, section) {
  section.replaceChildren(el('h2', {}, `Export ${exp.name}`), el('p', { className: 'summary' }, 'Reading…'));
  try {
    const body = await getJson(`/api/calendar?export=${encodeURIComponent(exp.name)}&days=${days}`);
    section.replaceChildren(
      el('h2', {}, `Export ${exp.name}`, el('span', { className: 'summary' }, ` (${exp.timezone})`)),
      summary(body.days),
      calendar(body.days),
    );
    section.dataset.loaded = 'true';
  } catch (err) {
    const message = `The days of export ${exp.name} cannot be read now: ${err.message}`;
    section.replaceChildren(el('h2', {}, `Export ${exp.name}`), el('p', { className: 'error' }, message));
    section.dataset.loaded = 'error';
  }
}

let chart;

function dayLabel(seconds) {
  return new Date(seconds * 1000).toISOString().slice(5, 10);
}

function drawChart(trend) {
  const target = document.getElementById('chart');
  if (chart) chart.destroy();
  const xs = trend.points.map((p) => utcDate(p.date).getTime() / 1000);
  const data = [xs, trend.points.map((p) => p.avg), trend.points.map((p) => p.p90)];
  chart = new uPlot(
    {
      title: `Agent ${trend.agentId}: call length (s) per day`,
      width: Math.min(target.clientWidth || 900, 1040),
      height: 300,
      scales: { x: { time: true } },
      axes: [
        // Whole days only: a tick every 1, 2, 7 or 30 days, labelled MM-DD.
        { incrs: [1, 2, 7, 14, 30, 90].map((d) => d * 86400), values: (u, ticks) => ticks.map(dayLabel) },
        { label: 'seconds' },
      ],
      series: [
        { label: 'day', value: (u, v) => (v === null ? '-' : new Date(v * 1000).toISOString().slice(0, 10)) },
        { label: 'avg', stroke: '#3b7dd8', width: 2, points: { show: true } },
        { label: 'p90', stroke: '#e07b20', width: 2, points: { show: true } },
      ],
    },
    data,
    target,
  );
  target.dataset.agent = trend.agentId;
  // The chart's own data, for tests and for anyone reading the page with tools.
  window.agentChart = chart;
}

function trendTable(trend) {
  const table = document.getElementById('trend-table');
  const cell = (v) => el('td', {}, v === null ? '-' : String(v));
  table.tBodies[0].replaceChildren(
    ...trend.points.map((p) =>
      el(
        'tr',
        { 'data-date': p.date },
        el('td', {}, p.date),
        cell(p.avg),
        cell(p.p90),
        cell(p.calls),
        cell(FILE_USE[p.file]),
      ),
    ),
  );
  table.hidden = false;
}

async function showTrend(exportName, agent, days) {
  const message = document.getElementById('trend-message');
  message.className = 'message';
  message.textContent = `Reading ${agent}…`;
  try {
    const path = `/api/agents/${encodeURIComponent(agent)}?export=${encodeURIComponent(exportName)}&days=${days}`;
    const trend = await getJson(path);
    const withRow = trend.points.filter((p) => p.avg !== null).length;
    message.textContent =
      trend.filesRead === 0
        ? `No file that matches its manifest in the last ${days} days of export ${exportName}.`
        : `${agent}: a row in ${withRow} of the ${trend.filesRead} files read (those that match their manifest) of the last ${days} days.`;
    drawChart(trend);
    trendTable(trend);
  } catch (err) {
    message.className = 'message error';
    message.textContent = `The trend of ${agent} cannot be read now: ${err.message}`;
  }
  document.getElementById('trends').dataset.loaded = 'true';
}

/** Fills the search box's suggestions with the ids that start with what was typed (two characters or more). */
function suggestAgents(input, exportSelect, days) {
  const list = document.getElementById('agent-ids');
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const start = input.value.trim();
    if (start.length < 2) return list.replaceChildren();
    timer = setTimeout(async () => {
      const q = `export=${encodeURIComponent(exportSelect.value)}&days=${days}&q=${encodeURIComponent(start)}`;
      const body = await getJson(`/api/agents?${q}`).catch(() => ({ agents: [] }));
      list.replaceChildren(...body.agents.map((id) => el('option', { value: id })));
    }, 250);
  });
}

async function main() {
  const q = query();
  const daysSelect = document.getElementById('days');
  const calendars = document.getElementById('calendars');
  let meta;
  try {
    meta = await getJson('/api/exports');
  } catch (err) {
    calendars.replaceChildren(el('p', { className: 'error' }, err.message));
    return;
  }
  const days = Number(q.get('days')) || meta.defaultDays;
  for (const n of [...new Set([...DAY_CHOICES, days])].sort((a, b) => a - b)) {
    if (n <= meta.maxDays) daysSelect.append(el('option', { value: String(n), selected: n === days }, String(n)));
  }
  daysSelect.addEventListener('change', () => {
    setQuery({ days: daysSelect.value });
    window.location.reload();
  });
  const exportSelect = document.getElementById('trend-export');
  for (const exp of meta.exports) exportSelect.append(el('option', { value: exp.name }, exp.name));
  exportSelect.hidden = meta.exports.length < 2;
  const sections = meta.exports.map(() => el('section', { className: 'export' }));
  calendars.replaceChildren(...sections);
  const loading = meta.exports.map((exp, i) => showCalendar(exp, days, sections[i]));
  const agentInput = document.getElementById('agent');
  suggestAgents(agentInput, exportSelect, days);
  document.getElementById('search').addEventListener('submit', (event) => {
    event.preventDefault();
    const agent = agentInput.value.trim();
    if (!agent) return;
    setQuery({ agent, export: exportSelect.value });
    void showTrend(exportSelect.value, agent, days);
  });
  if (q.get('export')) exportSelect.value = q.get('export');
  if (q.get('agent')) {
    agentInput.value = q.get('agent');
    void showTrend(exportSelect.value, agentInput.value, days);
  }
  await Promise.all(loading);
  document.body.dataset.ready = 'true';
}

void main();
