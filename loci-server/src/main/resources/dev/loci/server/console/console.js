// Loci memory console: a page over the REST API (/v1), no framework, no build.
// The API key lives in sessionStorage only and goes out as "Authorization: Bearer ...".
// Views are chosen by the location hash: #/search, #/browse?<filters>, #/users?<cursor>, #/timeline, #/memory/<id>, #/profile,
// #/context, #/health. A browse page's filters and cursor are in its hash, so Back returns to the same page.
// Text from memories is only ever set with textContent, never parsed as HTML.
'use strict';

const KINDS = ['TURN', 'CHUNK', 'EPISODE', 'FACT', 'PROCEDURE', 'SESSION', 'PROFILE', 'TOPIC'];
const VIEWS = ['login', 'search', 'browse', 'users', 'timeline', 'memory', 'profile', 'context', 'health'];
const session = {
  get key() { return sessionStorage.getItem('loci.key'); },
  get user() { return sessionStorage.getItem('loci.user'); },
  set(key, user) { sessionStorage.setItem('loci.key', key); sessionStorage.setItem('loci.user', user); },
  setUser(user) { sessionStorage.setItem('loci.user', user); },
  clear() { sessionStorage.removeItem('loci.key'); sessionStorage.removeItem('loci.user'); },
};
let lastSearch = null;

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

class ApiError extends Error {
  constructor(status, problem, text) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}: ${text}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body, key) {
  const headers = { 'Accept': 'application/json', 'Authorization': 'Bearer ' + (key || session.key) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return null;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!res.ok) throw new ApiError(res.status, json, text);
  return json;
}

/** Shows an error (a problem document when the server sent one) in the alert box `id`. */
function showProblem(id, err) {
  const box = $(id);
  box.replaceChildren();
  const p = err.problem;
  if (p) {
    box.append(el('strong', { text: `${p.title} (${p.status})` }), el('span', { class: 'detail', text: p.detail }));
    for (const f of p.errors || []) box.append(el('div', { class: 'mono', text: `${f.field}: ${f.message}` }));
  } else {
    box.append(el('strong', { text: 'Request failed' }), el('span', { class: 'detail', text: err.message }));
  }
  box.hidden = false;
}

function clearProblem(id) { $(id).hidden = true; $(id).replaceChildren(); }
function status(text) { $('status').textContent = text; }
function userQuery() { return 'userId=' + encodeURIComponent(session.user); }
function fmt(t) { return t ? t.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '—'; }
function memoryLink(id, label, cls) {
  return el('a', { href: '#/memory/' + encodeURIComponent(id), class: cls, text: label || id });
}

// ---- views ----

function show(view) {
  if (view !== 'health') stopSampling();
  for (const v of VIEWS) $(v + '-view').hidden = v !== view;
  const loggedIn = view !== 'login';
  $('nav').hidden = !loggedIn;
  $('user-form').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

async function route() {
  if (!session.key) { show('login'); $('api-key').focus(); return; }
  $('user-id-current').value = session.user;
  const hash = location.hash || '#/search';
  const [, view, arg] = hash.split('?')[0].split('/');
  switch (view) {
    case 'browse': show('browse'); await loadBrowse(new URLSearchParams(hash.split('?')[1] || '')); break;
    case 'users': show('users'); await loadUsers(new URLSearchParams(hash.split('?')[1] || '')); break;
    case 'timeline': show('timeline'); await loadTimeline(null); break;
    case 'memory': show('memory'); await openMemory(decodeURIComponent(arg || '')); break;
    case 'profile': show('profile'); await loadProfile(); break;
    case 'context': show('context'); $('context-query').focus(); break;
    case 'health':
      show('health');
      $('purge-user').textContent = session.user;
      $('purge-confirm').value = '';
      $('purge').disabled = true;
      startSampling(); // before the wait below, so that leaving meanwhile (show) stops it
      await loadHealth();
      break;
    default: show('search'); $('query').focus();
  }
}

// ---- 1. log in ----

async function login(event) {
  event.preventDefault();
  clearProblem('login-error');
  const key = $('api-key').value.trim();
  const user = $('user-id').value.trim();
  try {
    await api('GET', '/v1/memories/count?userId=' + encodeURIComponent(user), undefined, key); // proves the key
  } catch (err) {
    showProblem('login-error', err);
    $('api-key').focus();
    return;
  }
  session.set(key, user);
  $('api-key').value = '';
  status(`Logged in; looking at the memory of ${user}.`);
  if (location.hash === '#/search') await route(); else location.hash = '#/search';
}

function logout() {
  session.clear();
  lastSearch = null;
  cameFrom.clear();
  $('results').replaceChildren();
  $('search-summary').textContent = '';
  status('Logged out.');
  location.hash = '';
  route();
}

function switchUser(event) {
  event.preventDefault();
  const user = $('user-id-current').value.trim();
  if (!user) return;
  lookAt(user);
  if (location.hash.startsWith('#/browse')) { // another user's listing starts at its newest page
    const first = browseHash(new URLSearchParams(location.hash.split('?')[1] || ''), null);
    if (first !== location.hash) { location.hash = first; return; }
  }
  route();
}

/** Makes `user` the one whose memory the views show, forgetting what was shown of the last one. */
function lookAt(user) {
  session.setUser(user);
  $('user-id-current').value = user;
  lastSearch = null;
  $('results').replaceChildren();
  $('search-summary').textContent = '';
  status(`Now looking at the memory of ${user}.`);
  cameFrom.clear();
}

// ---- 2. search ----

async function search(event) {
  if (event) event.preventDefault();
  const body = { userId: session.user, query: $('query').value.trim(), k: Number($('k').value || 10) };
  const kinds = KINDS.filter((k) => $('kind-' + k).checked);
  if (kinds.length) body.kinds = kinds;
  if ($('from').value) body.from = $('from').value + 'T00:00:00Z';
  if ($('to').value) body.to = $('to').value + 'T23:59:59Z';
  lastSearch = body;
  await runSearch(body);
}

async function runSearch(body) {
  clearProblem('search-error');
  const list = $('results');
  list.setAttribute('aria-busy', 'true');
  try {
    const answer = await api('POST', '/v1/memories/search', body);
    renderResults(answer);
  } catch (err) {
    list.replaceChildren();
    showProblem('search-error', err);
  } finally {
    list.setAttribute('aria-busy', 'false');
  }
}

function renderResults(answer) {
  const results = answer.results;
  $('search-summary').textContent = `${results.length} result${results.length === 1 ? '' : 's'} in ${answer.tookMs.toFixed(1)} ms`
      + ' — bars: what each signal contributed to the fused score';
  const max = Math.max(1e-12, ...results.flatMap((r) => Object.values(r.signals).map((s) => Math.abs(s.contribution))));
  $('results').replaceChildren(...results.map((r) => {
    const when = r.occurredAt ? fmt(r.occurredAt) : '';
    return el('li', { class: 'result', 'data-id': r.id },
      el('div', {},
        memoryLink(r.id, r.text, 'text'),
        el('div', { class: 'meta' },
          el('span', { class: 'badge', text: r.kind }),
          r.validTo ? el('span', { class: 'badge warn', text: 'SUPERSEDED' }) : null,
          [when, r.speaker, `score ${r.score.toFixed(4)}`].filter(Boolean).join(' · '))),
      signalChart(r.signals, max));
  }));
}

/** One bar per signal, its length the signal's share of the largest contribution on the page. */
function signalChart(signals, max) {
  const names = Object.keys(signals);
  const chart = el('dl', { class: 'signals', 'aria-label': 'signal contributions: '
      + names.map((n) => `${n} ${signals[n].contribution.toFixed(4)}`).join(', ') });
  for (const name of names) {
    const c = signals[name].contribution;
    const bar = el('div', { class: 'bar ' + (c < 0 ? 'negative' : name) });
    bar.style.width = (100 * Math.abs(c) / max).toFixed(1) + '%';
    chart.append(el('dt', { text: name }), el('dd', {}, bar), el('dd', { class: 'val', text: c.toFixed(4) }));
  }
  return chart;
}

// ---- browse: a scope's memories newest first, a page at a time ----

const BROWSE_FIELDS = ['sessionId', 'kind', 'from', 'to', 'limit'];
/** For each page reached with "Older": the cursor of the page before it ('' for the first page). */
const cameFrom = new Map();

/** The hash of a browse page: its filters, and the cursor where it starts (none for the newest). */
function browseHash(params, cursor) {
  const p = new URLSearchParams();
  for (const f of BROWSE_FIELDS) if (params.get(f)) p.set(f, params.get(f));
  if (cursor) p.set('cursor', cursor);
  const q = p.toString();
  return '#/browse' + (q ? '?' + q : '');
}

function browseFromForm(event) {
  event.preventDefault();
  const p = new URLSearchParams();
  p.set('sessionId', $('browse-session').value.trim());
  p.set('kind', $('browse-kind').value);
  p.set('from', $('browse-from').value);
  p.set('to', $('browse-to').value);
  p.set('limit', $('browse-limit').value);
  const hash = browseHash(p, null);
  if (location.hash === hash) route(); else location.hash = hash;
}

/** The API query of a browse page: a day's range covers whole UTC days, "ALL" names every kind. */
function listQuery(params) {
  const q = new URLSearchParams({ userId: session.user });
  if (params.get('sessionId')) q.set('sessionId', params.get('sessionId'));
  const kind = params.get('kind');
  if (kind === 'ALL') for (const k of KINDS) q.append('kind', k);
  else if (kind) q.set('kind', kind);
  if (params.get('from')) q.set('from', params.get('from') + 'T00:00:00Z');
  if (params.get('to')) q.set('to', params.get('to') + 'T23:59:59Z');
  q.set('limit', params.get('limit') || '25');
  if (params.get('cursor')) q.set('cursor', params.get('cursor'));
  return q;
}

async function loadBrowse(params) {
  clearProblem('browse-error');
  $('browse-session').value = params.get('sessionId') || '';
  $('browse-kind').value = params.get('kind') || '';
  $('browse-from').value = params.get('from') || '';
  $('browse-to').value = params.get('to') || '';
  if (params.get('limit')) $('browse-limit').value = params.get('limit');
  const list = $('browse-list');
  list.setAttribute('aria-busy', 'true');
  $('browse-older').disabled = true;
  const cursor = params.get('cursor');
  let page;
  try {
    page = await api('GET', '/v1/memories?' + listQuery(params));
  } catch (err) {
    list.tBodies[0].replaceChildren();
    list.hidden = true;
    $('browse-summary').textContent = '';
    showProblem('browse-error', err);
    list.setAttribute('aria-busy', 'false');
    return;
  }
  const key = browseHash(params, cursor);
  const n = page.memories.length;
  const where = params.get('sessionId') ? ` in session ${params.get('sessionId')}` : '';
  $('browse-summary').textContent = n === 0
    ? (cursor ? 'No older memories.' : `No memories of ${session.user}${where} match.`)
    : `${n} memor${n === 1 ? 'y' : 'ies'} of ${session.user}${where}, newest first`
      + (cursor ? ' (an older page)' : '') + (page.nextCursor ? '; older ones follow.' : '; no older ones.');
  list.tBodies[0].replaceChildren(...page.memories.map((m) => el('tr', { 'data-id': m.id },
    el('td', { class: 'when', text: fmt(m.occurredAt) }),
    el('td', {}, el('span', { class: 'badge', text: m.kind }),
      m.validTo ? el('span', { class: 'badge warn', text: 'SUPERSEDED' }) : null),
    el('td', {}, memoryLink(m.id, m.text, 'text')),
    el('td', { text: m.speaker || '' }),
    el('td', { class: 'sess', text: m.scope.sessionId || '' }))));
  list.hidden = n === 0;
  list.setAttribute('aria-busy', 'false');
  const older = $('browse-older');
  older.disabled = !page.nextCursor;
  older.onclick = page.nextCursor ? () => {
    const next = browseHash(params, page.nextCursor);
    cameFrom.set(next, cursor || '');
    location.hash = next;
  } : null;
  const back = cameFrom.get(key);
  $('browse-newer').disabled = !cursor || back === undefined;
  $('browse-newer').onclick = () => { location.hash = browseHash(params, back || null); };
  $('browse-newest').disabled = !cursor;
  $('browse-newest').onclick = () => { location.hash = browseHash(params, null); };
}

// ---- users of the tenant ----

const USERS_PER_PAGE = 50;
/** Column headings of the users' counts by kind. */
const KIND_LABELS = { TURN: 'Turns', CHUNK: 'Chunks', EPISODE: 'Episodes', FACT: 'Facts', PROCEDURE: 'Procedures',
  SESSION: 'Sessions', PROFILE: 'Profiles', TOPIC: 'Topics' };

/** One page of the tenant's users, from the cursor in the hash (none: the first page). */
async function loadUsers(params) {
  clearProblem('users-error');
  const list = $('users-list');
  list.setAttribute('aria-busy', 'true');
  $('users-next').disabled = true;
  const cursor = params.get('cursor');
  const q = new URLSearchParams({ limit: String(USERS_PER_PAGE) });
  if (cursor) q.set('cursor', cursor);
  let page;
  try {
    page = await api('GET', '/v1/users?' + q);
  } catch (err) {
    list.tBodies[0].replaceChildren();
    list.hidden = true;
    $('users-summary').textContent = '';
    showProblem('users-error', err);
    list.setAttribute('aria-busy', 'false');
    return;
  }
  const n = page.users.length;
  $('users-summary').textContent = n === 0
    ? (cursor ? 'No more users.' : 'No user of this tenant has memories yet.')
    : `${n} user${n === 1 ? '' : 's'}` + (cursor ? ` after ${cursor}` : '') + (page.nextCursor ? '; more follow.' : '.');
  // A column per kind some user of this page has, so the table stays as narrow as the data.
  const kinds = KINDS.filter((k) => page.users.some((u) => (u.byKind || {})[k] > 0));
  list.tHead.rows[0].replaceChildren(el('th', { scope: 'col', text: 'User' }),
    el('th', { scope: 'col', class: 'count', text: 'Memories' }),
    ...kinds.map((k) => el('th', { scope: 'col', class: 'count', 'data-kind': k, text: KIND_LABELS[k] || k })),
    el('th', { scope: 'col', text: 'Last activity' }));
  list.tBodies[0].replaceChildren(...page.users.map((u) => {
    const open = el('a', { href: '#/browse', class: 'user', text: u.userId });
    open.addEventListener('click', (event) => {
      event.preventDefault();
      lookAt(u.userId);
      location.hash = '#/browse';
    });
    return el('tr', { 'data-user': u.userId, 'aria-current': u.userId === session.user ? 'true' : null },
      el('th', { scope: 'row' }, open),
      el('td', { class: 'count total', text: String(u.memories) }),
      ...kinds.map((k) => el('td', { class: 'count kind', 'data-kind': k, text: String((u.byKind || {})[k] || 0) })),
      el('td', { class: 'when', text: fmt(u.lastActivity) }));
  }));
  list.hidden = n === 0;
  list.setAttribute('aria-busy', 'false');
  $('users-next').disabled = !page.nextCursor;
  $('users-next').onclick = page.nextCursor
    ? () => { location.hash = '#/users?' + new URLSearchParams({ cursor: page.nextCursor }); } : null;
  $('users-first').disabled = !cursor;
  $('users-first').onclick = () => { location.hash = '#/users'; };
}

// ---- timeline: sessions and their episodes ----

let timelineCursor = null;

/** Lists SESSION and EPISODE memories newest first; `cursor` null starts again, else appends the older page. */
async function loadTimeline(cursor) {
  clearProblem('timeline-error');
  const body = $('timeline-body');
  if (!cursor) body.replaceChildren();
  body.setAttribute('aria-busy', 'true');
  let page;
  try {
    page = await api('GET', `/v1/memories?${userQuery()}&kind=SESSION&kind=EPISODE&limit=100`
      + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
  } catch (err) {
    showProblem('timeline-error', err);
    body.setAttribute('aria-busy', 'false');
    return;
  }
  timelineCursor = page.nextCursor;
  $('timeline-older').hidden = !page.nextCursor;
  // A session's summary and its episodes go in one group, ordered by the group's newest memory.
  const groups = [];
  const byId = new Map();
  for (const g of body.querySelectorAll('.session')) byId.set(g.dataset.session, g);
  for (const m of page.memories) {
    const sid = m.scope.sessionId || '';
    let g = byId.get(sid);
    if (!g) {
      g = el('li', { class: 'session', 'data-session': sid },
        el('h3', { class: 'session-title', text: sid ? `Session ${sid}` : 'Without a session' }),
        el('div', { class: 'session-summary' }),
        el('ol', { class: 'timeline episodes' }));
      byId.set(sid, g);
      groups.push(g);
    }
    if (m.kind === 'SESSION') {
      g.querySelector('.session-summary').replaceChildren(el('div', { class: 'card', 'data-id': m.id },
        el('div', { class: 'meta' }, el('span', { class: 'badge', text: 'SESSION' }), `from ${fmt(m.occurredAt)}`),
        memoryLink(m.id, m.text, 'text')));
    } else {
      const turns = (m.childIds || []).length;
      g.querySelector('.episodes').append(el('li', { class: 'episode', 'data-id': m.id },
        el('div', { class: 'when' }, `${fmt(m.occurredAt)} · ${turns} turn${turns === 1 ? '' : 's'}`),
        memoryLink(m.id, m.text, 'text')));
    }
  }
  let list = body.querySelector('ol.sessions');
  if (!list) { list = el('ol', { class: 'sessions' }); body.append(list); }
  list.append(...groups);
  if (!list.children.length) body.replaceChildren(el('p', { class: 'summary', id: 'timeline-empty',
    text: `No sessions or episodes for ${session.user} yet (episodes are built as turns are remembered).` }));
  body.setAttribute('aria-busy', 'false');
}

// ---- 3. a memory ----

let current = null;

async function openMemory(id) {
  clearProblem('memory-error');
  $('memory-body').replaceChildren();
  $('memory-actions').hidden = true;
  current = null;
  let memory, history;
  try {
    [memory, history] = await Promise.all([
      api('GET', `/v1/memories/${encodeURIComponent(id)}?${userQuery()}`),
      api('GET', `/v1/memories/${encodeURIComponent(id)}/history?${userQuery()}`)]);
  } catch (err) {
    showProblem('memory-error', err);
    return;
  }
  current = memory;
  const life = memory.lifecycle || {};
  const props = el('dl', { class: 'props' });
  const prop = (name, ...value) => props.append(el('dt', { text: name }), el('dd', {}, ...value));
  prop('id', el('span', { class: 'mono', text: memory.id }));
  prop('kind', `${memory.kind} (level ${memory.level})`);
  prop('scope', Object.entries(memory.scope).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join(', '));
  if (memory.speaker) prop('speaker', memory.speaker);
  prop('said', fmt(memory.occurredAt));
  prop('recorded', fmt(memory.recordedAt));
  prop('valid', `${fmt(memory.validFrom)} → ${memory.validTo ? fmt(memory.validTo) : 'now'}`);
  prop('version', String(memory.version));
  prop('accessed', `${life.accessCount || 0} times` + (life.lastAccessedAt ? `, last ${fmt(life.lastAccessedAt)}` : ''));
  prop('expires', life.expiresAt ? fmt(life.expiresAt) : 'never');
  prop('pinned', life.pinned ? 'yes' : 'no');
  if (memory.parentId) prop('parent', el('span', { class: 'ids' }, memoryLink(memory.parentId)));
  if (memory.childIds) prop('children', `${memory.childIds.length}, listed below`);
  if (memory.sourceIds && String(memory.sourceIds) !== String(memory.childIds)) {
    prop('from turns', el('span', { class: 'ids' }, memory.sourceIds.map((c) => memoryLink(c))));
  }
  if (life.supersedes) prop('supersedes', el('span', { class: 'ids' }, memoryLink(life.supersedes)));
  if (life.supersededBy) prop('superseded by', el('span', { class: 'ids' }, memoryLink(life.supersededBy)));
  const meta = Object.entries(memory.metadata || {});
  if (meta.length) prop('metadata', meta.map(([k, v]) => `${k}=${v}`).join(', '));

  const timeline = el('ol', { class: 'timeline', id: 'history' }, history.versions.map((v) =>
    el('li', { class: v.id === memory.id ? 'current' : '' },
      el('div', { class: 'when' }, `v${v.version} · ${fmt(v.validFrom)} → ${v.validTo ? fmt(v.validTo) : 'now'}`,
        v.id === memory.id ? ' (this one)' : ''),
      v.id === memory.id ? el('div', { text: v.text }) : memoryLink(v.id, v.text))));
  $('memory-body').replaceChildren(
    el('div', { class: 'card' }, el('p', { class: 'memtext', id: 'memory-text', text: memory.text }), props),
    el('h3', { text: `History: ${history.versions.length} version${history.versions.length === 1 ? '' : 's'}, what held when` }),
    timeline);
  if (memory.childIds) $('memory-body').append(await childList(memory));
  $('update-text').value = memory.text;
  $('pin').textContent = life.pinned ? 'Unpin' : 'Pin';
  $('pin').hidden = memory.level !== 0;
  $('memory-actions').hidden = false;
  $('memory-title').focus();
}

const CHILD_NAMES = { EPISODE: 'Turns in this episode', SESSION: 'Episodes in this session',
  TOPIC: 'Episodes on this topic', PROFILE: 'Facts it shows', FACT: 'Turns it was read from' };
const MAX_CHILDREN = 100;

/** The memories one level down, oldest first, each with its text: fetched one by one (the API has no batch get). */
async function childList(memory) {
  const ids = memory.childIds.slice(0, MAX_CHILDREN);
  const children = await Promise.all(ids.map((id) =>
    api('GET', `/v1/memories/${encodeURIComponent(id)}?${userQuery()}`).catch(() => ({ id, missing: true }))));
  children.sort((a, b) => (a.occurredAt || '').localeCompare(b.occurredAt || ''));
  const more = memory.childIds.length - ids.length;
  return el('section', { 'aria-labelledby': 'children-title' },
    el('h3', { id: 'children-title', text: `${CHILD_NAMES[memory.kind] || 'Built from'} (${memory.childIds.length})` }),
    el('ol', { class: 'timeline', id: 'children' }, children.map((c) => c.missing
      ? el('li', { 'data-id': c.id }, el('div', { class: 'when', text: 'no longer stored' }), el('span', { class: 'mono', text: c.id }))
      : el('li', { 'data-id': c.id },
          el('div', { class: 'when', text: [fmt(c.occurredAt), c.speaker, c.kind].filter(Boolean).join(' · ') }),
          memoryLink(c.id, c.text)))),
    more > 0 ? el('p', { class: 'summary', text: `and ${more} more (see the ids above)` }) : null);
}

async function update(event) {
  event.preventDefault();
  clearProblem('memory-error');
  try {
    const m = await api('PATCH', `/v1/memories/${encodeURIComponent(current.id)}`,
      { userId: session.user, text: $('update-text').value });
    status(`Updated: now version ${m.version}.`);
    if (location.hash === '#/memory/' + encodeURIComponent(m.id)) await openMemory(m.id);
    else location.hash = '#/memory/' + encodeURIComponent(m.id);
  } catch (err) { showProblem('memory-error', err); }
}

async function togglePin() {
  clearProblem('memory-error');
  const pinned = !(current.lifecycle && current.lifecycle.pinned);
  try {
    await api('PUT', `/v1/memories/${encodeURIComponent(current.id)}/pinned`, { userId: session.user, pinned });
    status(pinned ? 'Pinned: never evicted for capacity.' : 'Unpinned.');
    await openMemory(current.id);
  } catch (err) { showProblem('memory-error', err); }
}

function askForget() {
  const m = current;
  const rebuilt = {
    TURN: 'Its episode summary is rebuilt from the other turns (or removed if this was its last turn), '
      + 'and the session and topic summaries over that episode are rebuilt too. Facts read only from it go as well.',
    EPISODE: 'Its turns lose their link to it; the session and topic summaries over it are rebuilt.',
  }[m.kind] || 'Summaries built over it are rebuilt without it.';
  $('forget-text').replaceChildren(
    el('p', {}, 'This deletes “', el('strong', { text: m.text.length > 120 ? m.text.slice(0, 117) + '…' : m.text }),
      `” (${m.kind}) and its earlier versions, for good.`),
    el('p', { text: rebuilt }),
    m.parentId ? el('p', { class: 'mono', text: `Rebuilt: ${m.parentId}` }) : null);
  $('forget-dialog').showModal();
}

async function confirmForget() {
  $('forget-dialog').close();
  const m = current;
  try {
    await api('DELETE', `/v1/memories/${encodeURIComponent(m.id)}?${userQuery()}`);
  } catch (err) { showProblem('memory-error', err); return; }
  status(`Forgotten: “${m.text}”.`);
  location.hash = '#/search';
  if (lastSearch) await runSearch(lastSearch);
}

// ---- 4. profile ----

async function loadProfile() {
  clearProblem('profile-error');
  const body = $('profile-body');
  body.replaceChildren();
  body.setAttribute('aria-busy', 'true');
  try {
    const [facts, profiles] = await Promise.all([
      api('POST', '/v1/memories/search', { userId: session.user, query: `facts about ${session.user}`, k: 200, kinds: ['FACT'] }),
      api('POST', '/v1/memories/search', { userId: session.user, query: `profile of ${session.user}`, k: 1, kinds: ['PROFILE'] })]);
    const currentFacts = facts.results.filter((f) => !f.validTo)
      .sort((a, b) => (a.metadata['loci.attribute'] || '').localeCompare(b.metadata['loci.attribute'] || ''));
    const histories = await Promise.all(currentFacts.map((f) =>
      api('GET', `/v1/memories/${encodeURIComponent(f.id)}/history?${userQuery()}`)));
    const superseded = histories.flatMap((h, i) => h.versions.filter((v) => v.id !== currentFacts[i].id)
      .map((v) => ({ old: v, by: currentFacts[i] })));
    body.append(el('h3', { text: 'Profile summary' }),
      profiles.results.length
        ? el('div', { class: 'card', id: 'profile-summary' }, el('p', { class: 'memtext', text: profiles.results[0].text }),
            memoryLink(profiles.results[0].id, 'open the PROFILE memory'))
        : el('p', { class: 'summary', text: 'No PROFILE memory yet (it is built from the facts as they accumulate).' }));
    body.append(el('h3', { text: `Current facts (${currentFacts.length})` }),
      factTable('current-facts', ['Attribute', 'Fact', 'Since', 'From turns'], currentFacts.map((f) => [
        f.metadata['loci.attribute'] || '', memoryLink(f.id, f.text), fmt(f.validFrom),
        el('span', { class: 'ids' }, (f.sourceIds || []).map((s) => memoryLink(s, 'turn ' + s.slice(0, 8))))])));
    body.append(el('h3', { text: `Superseded facts (${superseded.length})` }),
      factTable('superseded-facts', ['Attribute', 'Fact', 'Held', 'Replaced by', 'From turns'], superseded.map(({ old, by }) => [
        old.metadata['loci.attribute'] || '', el('span', { class: 'superseded' }, el('s', { text: old.text })),
        `${fmt(old.validFrom)} → ${fmt(old.validTo)}`, memoryLink(by.id, by.text),
        el('span', { class: 'ids' }, (old.sourceIds || []).map((s) => memoryLink(s, 'turn ' + s.slice(0, 8))))])));
  } catch (err) {
    showProblem('profile-error', err);
  } finally {
    body.setAttribute('aria-busy', 'false');
  }
}

function factTable(id, headers, rows) {
  if (!rows.length) return el('p', { class: 'summary', id, text: 'None.' });
  return el('table', { id },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c))))));
}

// ---- 5. context preview and health ----

async function previewContext(event) {
  event.preventDefault();
  clearProblem('context-error');
  const body = $('context-body');
  try {
    const block = await api('POST', '/v1/context',
      { userId: session.user, query: $('context-query').value.trim(), budget: Number($('budget').value) });
    body.replaceChildren(
      el('p', { class: 'summary', id: 'context-tokens', text: `${block.tokens} of ${block.budget} tokens (${block.encoding})` }),
      el('pre', { class: 'block', id: 'context-text', text: block.text }),
      factTable('context-items', ['Memory', 'Fidelity', 'Relevance'], block.items.map((i) => [
        memoryLink(i.id), i.fidelity, i.relevance.toFixed(4)])));
  } catch (err) { body.replaceChildren(); showProblem('context-error', err); }
}

async function loadHealth() {
  clearProblem('health-error');
  const body = $('health-body');
  body.replaceChildren();
  try {
    const stats = await api('GET', '/v1/stats');
    body.append(el('p', { text: 'Store-wide figures (this key is an admin key):' }),
      factTable('stats', ['Figure', 'Value'], Object.entries(stats).filter(([, v]) => typeof v !== 'object')
        .map(([k, v]) => [k, String(v)])));
    return;
  } catch (err) {
    if (err.status !== 403) { showProblem('health-error', err); return; }
  }
  try {
    const counts = await Promise.all(KINDS.map((k) =>
      api('GET', `/v1/memories/count?${userQuery()}&kind=${k}`).then((c) => [k, String(c.count)])));
    body.append(el('p', { text: `Memories of ${session.user} by kind (store-wide figures need an admin key):` }),
      factTable('counts', ['Kind', 'Memories'], counts));
  } catch (err) { showProblem('health-error', err); }
}

// ---- live figures: /metrics sampled while the health page is open, drawn as small SVG charts ----

const SAMPLE_MS = 2000;
const KEEP_SAMPLES = 150; // five minutes
const SVG = 'http://www.w3.org/2000/svg';
let sampler = null;
let samples = [];
let lastScrape = null;

/** Prometheus text format: name -> [{labels, value}]. */
function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const [, k, v] of (m[3] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1]).push({ labels, value: Number(m[4]) });
  }
  return out;
}

function metric(scrape, name, filter) {
  return (scrape.get(name) || []).filter((s) => !filter || filter(s.labels)).reduce((a, s) => a + s.value, 0);
}

/** Buckets of a histogram: [[upper bound, cumulative count]] in order. */
function buckets(scrape, name) {
  return (scrape.get(name + '_bucket') || []).map((s) => [s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value])
    .sort((a, b) => a[0] - b[0]);
}

/** The median of the observations between two scrapes of a histogram, in ms; null when there were none. */
function medianBetween(prev, next, name) {
  const a = buckets(prev, name);
  const b = buckets(next, name);
  if (!a.length || a.length !== b.length) return null;
  const counts = b.map(([le, c], i) => [le, c - a[i][1]]);
  const total = counts[counts.length - 1][1];
  if (!(total > 0)) return null;
  let lower = 0;
  let below = 0;
  for (const [le, c] of counts) {
    if (c >= total / 2) {
      const upper = Number.isFinite(le) ? le : lower;
      const within = c - below;
      return 1000 * (within > 0 ? lower + (upper - lower) * (total / 2 - below) / within : upper);
    }
    lower = le;
    below = c;
  }
  return null;
}

/** One sample: gauges as they are, counters and histograms as rates and medians since the last scrape. */
function sampleFrom(prev, next, seconds) {
  const v1 = (l) => l.route && l.route.startsWith('/v1');
  const gauge = (name) => { const v = metric(next, name); return Number.isFinite(v) ? v : null; };
  const s = {
    at: new Date(),
    memories: gauge('loci_memories'),
    disk: gauge('loci_store_disk_bytes') === null ? null : gauge('loci_store_disk_bytes') / 1e6,
    pending: gauge('loci_http_server_pending'),
    consolidation: gauge('loci_consolidation_queued'),
    requests: null, recallP50: null, rememberP50: null,
  };
  if (prev && seconds > 0) {
    s.requests = Math.max(0, metric(next, 'loci_http_server_requests_seconds_count', v1)
      - metric(prev, 'loci_http_server_requests_seconds_count', v1)) / seconds;
    s.recallP50 = medianBetween(prev, next, 'loci_recall_seconds');
    s.rememberP50 = medianBetween(prev, next, 'loci_remember_seconds');
  }
  return s;
}

const CHARTS = [
  { id: 'chart-memories', title: 'Memories stored (all tenants)', unit: '', series: [['memories', 'memories']] },
  { id: 'chart-disk', title: 'Disk use (store)', unit: 'MB', series: [['disk', 'disk']] },
  { id: 'chart-latency', title: 'Median latency', unit: 'ms', series: [['recallP50', 'recall'], ['rememberP50', 'remember']] },
  { id: 'chart-requests', title: 'API requests', unit: '/s', series: [['requests', 'requests']] },
  { id: 'chart-pending', title: 'Waiting', unit: '', series: [['pending', 'requests'], ['consolidation', 'consolidation']] },
];

function num(v, unit) {
  if (v === null || v === undefined) return '—';
  const digits = unit === 'ms' ? (v < 10 ? 1 : 0) : (Number.isInteger(v) ? 0 : 2);
  return v.toFixed(digits) + (unit ? ' ' + unit : '');
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A line chart of the samples: one polyline per series (gaps where a value is missing), y from 0 to the max. */
function drawChart(spec) {
  const W = 240, H = 100, PAD = 4, AXIS = 14; // AXIS: room under the plot for the time labels
  const values = samples.flatMap((s) => spec.series.map(([f]) => s[f])).filter((v) => v !== null);
  const top = values.length ? Math.max(...values) : 0;
  const max = Math.max(1e-9, top) * 1.1;
  // x is time (samples skipped while the tab was hidden leave a gap), the newest at the right edge
  const t0 = samples.length ? samples[0].at : 0;
  const span = samples.length > 1 ? samples[samples.length - 1].at - t0 : 0;
  const xs = (i) => PAD + (W - 2 * PAD) * (span > 0 ? (samples[i].at - t0) / span : 1);
  const ys = (v) => H - AXIS - (H - AXIS - PAD) * v / max;
  const lines = spec.series.map(([field], n) => {
    const runs = [[]];
    samples.forEach((s, i) => {
      if (s[field] === null) { if (runs[runs.length - 1].length) runs.push([]); return; }
      runs[runs.length - 1].push(`${xs(i).toFixed(1)},${ys(s[field]).toFixed(1)}`);
    });
    return runs.filter((r) => r.length).map((r) => r.length === 1
      ? svg('circle', { class: 'series s' + n, cx: r[0].split(',')[0], cy: r[0].split(',')[1], r: 2 })
      : svg('polyline', { class: 'series s' + n, points: r.join(' ') }));
  }).flat();
  // The latest value of each series; a median stays shown until the next interval that had calls.
  const latest = (f) => { for (let i = samples.length - 1; i >= 0; i--) if (samples[i][f] !== null) return samples[i][f]; return null; };
  const said = spec.series.map(([f, label]) => `${label} ${num(latest(f), spec.unit)}`).join(', ');
  const label = `${spec.title}: latest ${said}; ${samples.length} samples over ${Math.round(span / 1000)} s, `
    + `up to ${num(top, spec.unit)}`;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label },
    svg('title', {}, label),
    svg('line', { class: 'axis', x1: PAD, y1: H - AXIS, x2: W - PAD, y2: H - AXIS }),
    svg('text', { class: 'tick', x: PAD, y: H - 2 }, span > 0 ? `−${Math.round(span / 1000)} s` : ''),
    svg('text', { class: 'tick', x: W - PAD, y: H - 2, 'text-anchor': 'end' }, 'now'),
    svg('text', { class: 'tick', x: PAD, y: 12 }, num(top, spec.unit)),
    ...lines);
  return el('figure', { class: 'chart', id: spec.id, 'data-samples': String(samples.length) },
    el('figcaption', {}, el('strong', { text: spec.title }), ' ',
      spec.series.map(([f, label], n) => el('span', { class: 'legend s' + n, 'data-series': f },
        spec.series.length > 1 ? label + ' ' : '', el('span', { class: 'value', text: num(latest(f), spec.unit) })))),
    chart);
}

async function sampleOnce() {
  try {
    const res = await fetch('/metrics', { headers: { Accept: 'text/plain' } });
    if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
    const scrape = parseMetrics(await res.text());
    const now = performance.now();
    samples.push(sampleFrom(lastScrape && lastScrape.scrape, scrape, lastScrape ? (now - lastScrape.at) / 1000 : 0));
    if (samples.length > KEEP_SAMPLES) samples.shift();
    lastScrape = { scrape, at: now };
    clearProblem('live-error');
  } catch (err) {
    showProblem('live-error', err);
  }
  $('live-charts').replaceChildren(...CHARTS.map(drawChart));
}

function startSampling() {
  stopSampling();
  samples = [];
  lastScrape = null;
  sampleOnce();
  sampler = setInterval(() => { if (document.visibilityState === 'visible') sampleOnce(); }, SAMPLE_MS);
}

function stopSampling() {
  if (sampler !== null) clearInterval(sampler);
  sampler = null;
}

async function purge(event) {
  event.preventDefault();
  clearProblem('purge-error');
  const user = session.user;
  if ($('purge-confirm').value !== user) return;
  try {
    const r = await api('DELETE', `/v1/memories?${userQuery()}&confirm=true`);
    $('purge-confirm').value = '';
    $('purge').disabled = true;
    status(`Deleted all memories of ${user}: ${r.totalRemoved} records removed.`);
    await loadHealth();
  } catch (err) { showProblem('purge-error', err); }
}

// ---- wiring ----

document.addEventListener('DOMContentLoaded', () => {
  $('kind-boxes').replaceChildren(...KINDS.map((k) =>
    el('label', {}, el('input', { type: 'checkbox', id: 'kind-' + k, value: k }), ' ' + k)));
  $('login-form').addEventListener('submit', login);
  $('user-form').addEventListener('submit', switchUser);
  $('logout').addEventListener('click', logout);
  $('search-form').addEventListener('submit', search);
  $('update-form').addEventListener('submit', update);
  $('pin').addEventListener('click', togglePin);
  $('forget').addEventListener('click', askForget);
  $('forget-cancel').addEventListener('click', () => $('forget-dialog').close());
  $('forget-confirm').addEventListener('click', confirmForget);
  $('context-form').addEventListener('submit', previewContext);
  $('browse-form').addEventListener('submit', browseFromForm);
  $('browse-kind').append(...KINDS.map((k) => el('option', { value: k, text: k })));
  $('timeline-older').addEventListener('click', () => loadTimeline(timelineCursor));
  $('purge-form').addEventListener('submit', purge);
  $('purge-confirm').addEventListener('input', () => { $('purge').disabled = $('purge-confirm').value !== session.user; });
  $('memory-title').setAttribute('tabindex', '-1');
  window.addEventListener('hashchange', route);
  route();
});
