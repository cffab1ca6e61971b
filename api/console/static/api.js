// The calmreply HTTP API, as the console uses it. Every call goes to the server that served this page.
const KEY_STORAGE = "calmreply.apiKey";

export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }
  /** {field: reason} from a 422 body. */
  get fields() {
    const out = {};
    for (const d of (this.body && this.body.details) || []) if (d.field) out[d.field] = d.reason;
    return out;
  }
}

export const apiKey = {
  get: () => localStorage.getItem(KEY_STORAGE) || "",
  set: (value) => (value ? localStorage.setItem(KEY_STORAGE, value) : localStorage.removeItem(KEY_STORAGE)),
};

function describe(status, body) {
  const details = ((body && body.details) || []).map((d) => (d.field ? `${d.field}: ${d.reason}` : d.reason)).join("; ");
  if (status === 401 || status === 403) return `The server refused the request (${status}): check the API key in Settings.${details ? " " + details : ""}`;
  if (status === 422) return `Some input is invalid: ${details || "see the fields marked"}.`;
  if (status === 404) return `Not found${details ? ": " + details : ""}.`;
  if (status === 409) return `Conflict: ${details}.`;
  if (status === 429) return "Too many requests: wait a moment and try again.";
  if (status >= 500) return `The server failed (${status}). Try again; if it keeps failing, check its log.`;
  return `Request failed (${status})${details ? ": " + details : ""}.`;
}

export async function call(method, path, { body, query, signal } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
    const qs = params.toString();
    if (qs) url += "?" + qs;
  }
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, null, "The calmreply server can't be reached. Is it running? Your text is kept here; try again.");
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data, describe(res.status, data));
  return data;
}

/** POST /v1/drafts as server-sent events: handlers.analysis / .delta / .checks hear them; resolves with the stored draft. */
export async function streamDraft(body, handlers) {
  const headers = { Accept: "text/event-stream", "Content-Type": "application/json" };
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  let res;
  try {
    res = await fetch("/v1/drafts", { method: "POST", headers, body: JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, null, "The calmreply server can't be reached. Is it running? Your text is kept here; try again.");
  }
  if (!res.ok || !(res.headers.get("content-type") || "").startsWith("text/event-stream")) {
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { data = null; }
    if (res.ok && data && data.id) return data;  // a server that does not stream answered with the draft itself
    throw new ApiError(res.status, data, describe(res.status, data));
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    let chunk;
    try { chunk = await reader.read(); } catch {
      throw new ApiError(0, null, "The connection dropped while the draft was being written. It is still stored: find it under Drafts.");
    }
    if (chunk.done) break;
    buffer += chunk.value.replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      const payload = data.length ? JSON.parse(data.join("\n")) : null;
      if (event === "done") return payload;
      if (event === "error") {
        const why = ((payload && payload.details) || []).map((d) => d.reason).join("; ");
        throw new ApiError(500, payload, `The draft failed on the server${why ? ": " + why : ""}. Try again.`);
      }
      if (handlers[event]) handlers[event](payload);
    }
  }
  throw new ApiError(0, null, "The stream ended before the draft was done. It may still be stored: look under Drafts.");
}

export const api = {
  draft: (body) => call("POST", "/v1/drafts", { body }),
  getDraft: (id) => call("GET", `/v1/drafts/${encodeURIComponent(id)}`),
  listDrafts: (query) => call("GET", "/v1/drafts", { query }),
  feedback: (id, body) => call("POST", `/v1/drafts/${encodeURIComponent(id)}/feedback`, { body }),
  checks: (body, signal) => call("POST", "/v1/checks", { body, signal }),
  rules: () => call("GET", "/v1/rules"),
  stats: (query) => call("GET", "/v1/stats", { query }),
};
