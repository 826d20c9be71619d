// The REST API as the web UI uses it: the session cookie, its CSRF token on every change, problem+json as errors.
const BASE = '/api/v1';
let csrfToken = null;

/** An answer that was not a success: its status and the server's sentence (problem+json 'detail'). */
export class Problem extends Error {
  constructor(status, body) {
    super(body && body.detail ? body.detail : `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(BASE + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text }; }
  }
  if (!response.ok) {
    const problem = new Problem(response.status, data);
    if (response.status === 401 && path !== '/session') window.dispatchEvent(new CustomEvent('paddock:signed-out'));
    throw problem;
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const del = (path) => request('DELETE', path);

/** Signs in; the answer says whether the password must be changed first. */
export async function signIn(user, password) {
  const session = await post('/session', { user, password });
  csrfToken = session.csrfToken;
  return session;
}

/** The session this browser already has (a reload, a new tab), or null. */
export async function currentSession() {
  try {
    const session = await get('/session');
    csrfToken = session.csrfToken;
    return session;
  } catch (e) {
    if (e.status === 401 || e.status === 404) return null;
    throw e;
  }
}

export async function signOut() {
  try { await del('/session'); } finally { csrfToken = null; }
}

/**
 * Follows an operation until it is final: server-sent events from /operations/{id}/events, or polling when the
 * browser cannot keep the stream. Calls onChange with each state; answers a function that stops following.
 */
export function follow(id, onChange) {
  let stopped = false;
  let done = false;
  let timer = null;
  const poll = async () => {
    if (stopped) return;
    try {
      const op = await get(`/operations/${encodeURIComponent(id)}`);
      onChange(op);
      if (op.isFinal) return;
    } catch (e) { /* the next poll tries again */ }
    timer = setTimeout(poll, 1000);
  };
  let source = null;
  if (window.EventSource) {
    source = new EventSource(`${BASE}/operations/${encodeURIComponent(id)}/events`);
    source.addEventListener('operation', (event) => {
      const op = JSON.parse(event.data);
      onChange(op);
      if (op.isFinal) {
        done = true;
        source.close();
      }
    });
    source.onerror = () => {
      source.close();
      if (!stopped && !done) poll();
    };
  } else {
    poll();
  }
  return () => {
    stopped = true;
    if (source) source.close();
    clearTimeout(timer);
  };
}

/**
 * Follows HA live (GET /ha/stream): onStatus with every host's health when the stream opens (and again when it
 * reopens), onDecision with each of HA's decisions in order, the latest few first. The browser reopens a dropped
 * stream by itself, from the last decision it got. Answers a function that stops following.
 */
export function followHa(onStatus, onDecision, onOpen = () => {}) {
  if (!window.EventSource) return () => {};
  const source = new EventSource(`${BASE}/ha/stream`);
  source.addEventListener('status', (event) => {
    onOpen(true);
    onStatus(JSON.parse(event.data));
  });
  source.addEventListener('decision', (event) => onDecision(JSON.parse(event.data)));
  source.onerror = () => onOpen(false);
  return () => source.close();
}
