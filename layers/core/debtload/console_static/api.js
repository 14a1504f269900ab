// The console calls the same public API as any client, with the key the person signed in with.
// The API's root is one level above this module (/console/api.js -> /, /v1/console/api.js -> /v1/),
// so the page works at any stage or base path without being told it (the page itself is /console,
// and names its files console/<name>: decision 93).
const ROOT = new URL("../", import.meta.url);
const KEY = "debtload.console.key";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export function url(path, query = {}) {
  const target = new URL(path.replace(/^\//, ""), ROOT);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(name, value);
  }
  return target;
}

// A retry of the same confirmed action must not run it twice: one key per confirmation.
export function idempotencyKey() {
  if (crypto.randomUUID) return `console-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export async function request(method, path, { query, body, headers = {}, accept = "application/json", idempotent } = {}) {
  const all = { Accept: accept, ...headers };
  const key = apiKey();
  if (key) all["X-Api-Key"] = key;
  if (body !== undefined) all["Content-Type"] = "application/json";
  if (idempotent) all["Idempotency-Key"] = idempotencyKey();
  const response = await fetch(url(path, query), {
    method,
    headers: all,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  if (!response.ok) {
    let detail = null;
    try {
      detail = await response.json();
    } catch {
      detail = null;
    }
    throw new ApiError(response.status, detail);
  }
  return response;
}

export async function getJson(path, query) {
  return (await request("GET", path, { query })).json();
}

export async function send(method, path, options = {}) {
  const response = await request(method, path, options);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

// A file the browser saves: fetched (with the key when it is ours), then handed over as a Blob, so
// neither the key nor the data ever appears in a URL.
export function saveBlob(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// A presigned S3 link: followed, not fetched. S3 answers it as an attachment, so the browser saves
// the file, and the bucket needs no CORS rule for GET; no key goes with it (the signature grants it).
export function followDownload(target) {
  const link = document.createElement("a");
  link.href = target;
  link.rel = "noopener noreferrer";
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

// The presigned POST to S3: its fields first, the file last, as S3 requires.
export async function postToS3(target, fields, file) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file);
  const response = await fetch(target, { method: "POST", body: form, credentials: "omit" });
  if (!response.ok) throw new ApiError(response.status, { message: `S3 ${response.status}` });
  return (response.headers.get("ETag") || "").replaceAll('"', "");
}
