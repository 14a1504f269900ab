// A job's downloads: its report files (presigned S3 links from GET /imports/{id}/files/{name}) and
// its rows as CSV or JSON (GET /jobs/{id}/rows, every page), each saved as a file.
import { followDownload, getJson, request, saveBlob } from "./api.js";
import { announce, h, showError } from "./dom.js";
import { t } from "./i18n.js";

const MAX_PAGES = 200; // 200 pages of 1,000 rows: beyond that, errors.csv is the file to use

function available(item) {
  const downloads = item.downloads;
  if (Array.isArray(downloads)) return new Set(downloads);
  if (downloads && typeof downloads === "object") return new Set(Object.keys(downloads).filter((name) => downloads[name]));
  return new Set();
}

async function reportFile(item, name) {
  const link = await getJson(`/imports/${encodeURIComponent(item.import_id || item.id)}/files/${name}`);
  followDownload(link.url);
}

async function allRows(jobId, accept) {
  const path = `/jobs/${encodeURIComponent(jobId)}/rows`;
  if (accept === "application/json") {
    const results = [];
    let cursor;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await getJson(path, { limit: 1000, cursor });
      results.push(...answer.results);
      cursor = answer.next_cursor;
      if (!cursor) break;
    }
    return new Blob([JSON.stringify({ job_id: jobId, results }, null, 2)], { type: "application/json" });
  }
  // CSV pages each start with the header line (and a file import's with a BOM): keep the first.
  const parts = [];
  let cursor;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await request("GET", path, { query: { limit: 1000, cursor }, accept: "text/csv" });
    let text = await response.text();
    if (page > 0) text = text.replace(/^\ufeff?[^\n]*\n/, "");
    parts.push(text);
    cursor = response.headers.get("X-Next-Cursor");
    if (!cursor) break;
  }
  return new Blob(parts, { type: "text/csv" });
}

export function downloadButtons(item, jobId) {
  const files = available(item);
  const buttons = [];
  const run = (label, work) =>
    h("button", {
      type: "button",
      text: label,
      onclick: async () => {
        try {
          await work();
          announce(t("downloaded", { name: label }));
        } catch (error) {
          showError(error);
        }
      },
    });
  for (const name of ["errors.csv", "report.json"]) {
    if (files.has(name)) buttons.push(run(name, () => reportFile(item, name)));
  }
  if (jobId) {
    buttons.push(run(t("download_rows_csv"), async () => saveBlob(await allRows(jobId, "text/csv"), `${jobId}-rows.csv`)));
    buttons.push(run(t("download_rows_json"), async () => saveBlob(await allRows(jobId, "application/json"), `${jobId}-rows.json`)));
  }
  if (!buttons.length) return h("div");
  return h("section", {}, h("h2", { id: "downloads-title", text: t("downloads") }), h("div", { class: "buttons" }, buttons));
}


