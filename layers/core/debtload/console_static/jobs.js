// The imports and jobs list (GET /jobs) and one job's page (GET /jobs/{id}).
import { getJson, send } from "./api.js";
import { announce, confirmDialog, definitions, h, showError, statusLabel, table } from "./dom.js";
import { formatDate, formatNumber, t } from "./i18n.js";
import { poller } from "./poll.js";
import { downloadButtons } from "./downloads.js";

const STATUSES = ["queued", "reading", "processing", "completed", "completed_with_errors", "failed", "canceled", "rejected", "awaiting_approval"];
const KINDS = ["debts", "customers", "collections", "notes"];

// Kept while the tab is open: the filters, and the uploads shown first until the list has them.
const filters = { name: "", status: "", kind: "" };
const pinned = new Map();

export function pin(item) {
  pinned.set(item.id, item);
}

function done(counts) {
  return (counts.succeeded || 0) + (counts.failed || 0) + (counts.skipped || 0) + (counts.canceled || 0);
}

export function progressBar(item) {
  const counts = item.counts || {};
  const total = counts.total || 0;
  const bar = h("progress", {
    max: String(Math.max(total, 1)),
    "aria-label": t("progress_label", { name: item.name, done: formatNumber(done(counts)), total: formatNumber(total) }),
  });
  // A file still being read has no total yet: the bar is indeterminate until it has one.
  if (total > 0) bar.value = Math.min(done(counts), total);
  else if (item.terminal) bar.value = 1;
  return bar;
}

function countsText(counts = {}) {
  return t("counts", {
    succeeded: formatNumber(counts.succeeded),
    failed: formatNumber(counts.failed),
    skipped: formatNumber(counts.skipped),
    canceled: formatNumber(counts.canceled),
  });
}

function jobRow(item) {
  return h(
    "tr",
    { "data-id": item.id, "data-status": item.status },
    h("td", {}, h("a", { href: `#/jobs/${encodeURIComponent(item.id)}`, text: item.name || item.id }),
      item.batch_name ? h("div", { class: "help", text: item.batch_name }) : null),
    h("td", { text: t(`type.${item.type}`) }),
    h("td", { text: item.kind ? t(`kind.${item.kind}`) : "" }),
    h("td", {}, statusLabel(item.status)),
    h("td", { class: "progress-cell" }, progressBar(item), h("span", { class: "counts", text: countsText(item.counts) })),
    h("td", {}, h("time", { datetime: item.created_at, text: formatDate(item.created_at) })),
  );
}

// Rows are updated in place, so a focused link keeps its focus while the list refreshes.
function updateRow(row, item) {
  // A file's batch name is known once its job is written (it is an option of the job).
  if (item.batch_name && !row.cells[0].querySelector(".help")) row.cells[0].append(h("div", { class: "help", text: item.batch_name }));
  if (row.dataset.status === item.status && row.dataset.counts === JSON.stringify(item.counts)) return;
  row.dataset.status = item.status;
  row.dataset.counts = JSON.stringify(item.counts);
  row.cells[3].replaceChildren(statusLabel(item.status));
  row.cells[4].replaceChildren(progressBar(item), h("span", { class: "counts", text: countsText(item.counts) }));
}

function select(id, label, values, current, prefix) {
  return [
    h("label", { for: id, text: label }),
    h(
      "select",
      { id },
      h("option", { value: "", text: t("any") }),
      values.map((value) => h("option", { value, selected: value === current, text: t(`${prefix}.${value}`) })),
    ),
  ];
}

export function jobsList(view) {
  // A refresh started under other filters is dropped when it answers (`generation` moved on).
  const state = { items: [], cursor: null, generation: 0 };
  const tbody = h("tbody");
  const more = h("button", { type: "button", hidden: true, text: t("more"), onclick: loadMore });
  const empty = h("p", { class: "help", hidden: true, text: t("no_jobs") });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": t("filters"), onsubmit: applyFilters },
    h("div", {}, h("label", { for: "f-name", text: t("filter_name") }), h("input", { id: "f-name", type: "search", value: filters.name })),
    h("div", {}, select("f-status", t("filter_status"), STATUSES, filters.status, "status")),
    h("div", {}, select("f-kind", t("filter_kind"), KINDS, filters.kind, "kind")),
    h("button", { type: "submit", class: "primary", text: t("filter_apply") }),
  );
  const list = table(t("jobs_title"), [t("col_name"), t("col_type"), t("col_kind"), t("col_status"), t("col_progress"), t("col_created")], []);
  list.querySelector("tbody").replaceWith(tbody);
  view.replaceChildren(h("h1", { tabindex: "-1", text: t("jobs_title") }), form, list, empty, more);

  function query(cursor) {
    return { name: filters.name, status: filters.status, kind: filters.kind, cursor };
  }

  function shown() {
    const ids = new Set(state.items.map((item) => item.id));
    return [...[...pinned.values()].filter((item) => !ids.has(item.id)), ...state.items];
  }

  function draw() {
    const items = shown();
    const existing = new Map([...tbody.rows].map((row) => [row.dataset.id, row]));
    const rows = items.map((item) => {
      const row = existing.get(item.id);
      if (!row) return jobRow(item);
      updateRow(row, item);
      return row;
    });
    // Only reorder when the order changed: moving a row would take focus off its link.
    const order = rows.map((row) => row.dataset.id).join();
    if ([...tbody.rows].map((row) => row.dataset.id).join() !== order) tbody.replaceChildren(...rows);
    empty.hidden = items.length > 0;
    more.hidden = !state.cursor;
    return items.some((item) => !item.terminal);
  }

  // A filter may leave a page short (even empty) with a cursor: read on a few pages to fill the list.
  async function firstPages() {
    let page = await getJson("/jobs", query());
    const results = [...page.results];
    for (let n = 1; page.next_cursor && results.length < 20 && n < 5; n += 1) {
      page = await getJson("/jobs", query(page.next_cursor));
      results.push(...page.results);
    }
    return { results, next_cursor: page.next_cursor };
  }

  async function refresh() {
    const generation = state.generation;
    const page = await firstPages();
    if (generation !== state.generation) return true;
    const firstIds = new Set(page.results.map((item) => item.id));
    const rest = state.items.slice(page.results.length).filter((item) => !firstIds.has(item.id));
    state.items = [...page.results, ...rest];
    if (state.cursor === null || rest.length === 0) state.cursor = page.next_cursor;
    for (const [id, item] of pinned) {
      const listed = state.items.find((one) => one.id === id);
      if (listed) pinned.set(id, listed);
      else if (!item.terminal) pinned.set(id, await getJson(`/jobs/${encodeURIComponent(id)}`));
    }
    return draw();
  }

  async function loadMore() {
    const page = await getJson("/jobs", query(state.cursor));
    state.items.push(...page.results);
    state.cursor = page.next_cursor;
    draw();
  }

  function applyFilters(event) {
    event.preventDefault();
    filters.name = form.querySelector("#f-name").value.trim();
    filters.status = form.querySelector("#f-status").value;
    filters.kind = form.querySelector("#f-kind").value;
    state.items = [];
    state.cursor = null;
    state.generation += 1;
    tbody.replaceChildren();
    polling.restart();
  }

  const polling = poller(refresh);
  polling.restart();
  const onUpload = () => polling.restart();
  window.addEventListener("console-upload", onUpload);
  return () => {
    polling.stop();
    window.removeEventListener("console-upload", onUpload);
  };
}

// "phone: not a valid number; amount: must be > 0" -> [["phone", "not a valid number"], ...]
function errorParts(error) {
  if (!error) return [["", ""]];
  return String(error)
    .split("; ")
    .map((part) => {
      const at = part.indexOf(": ");
      return at > 0 && at < 40 ? [part.slice(0, at), part.slice(at + 2)] : ["", part];
    });
}

function valuesText(data) {
  if (!data || typeof data !== "object") return "";
  return Object.entries(data)
    .filter(([name]) => name !== "line" && name !== "error")
    .map(([name, value]) => `${name}: ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" · ");
}

function failedRow(row) {
  const parts = errorParts(row.error);
  return h(
    "tr",
    { "data-row": String(row.row) },
    h("td", { text: String(row.row) }),
    h("td", {}, parts.map(([field]) => h("div", { text: field }))),
    h("td", {}, parts.map(([, message]) => h("div", { text: message }))),
    h("td", { class: "values", text: valuesText(row.data) }),
  );
}

export function rowsJobId(item) {
  return item.job_id || (item.type === "file_import" || item.type === "debt_batch" || item.type === "call_run" ? null : item.id);
}

const ACTIONS = {
  cancel: (item) => ["POST", `/jobs/${encodeURIComponent(item.job_id || item.id)}/cancel`],
  undo: (item) => ["POST", `/imports/${encodeURIComponent(item.import_id || item.id)}/undo`],
  approve: (item) => ["POST", `/collections/bulks/${encodeURIComponent(item.bulk_id || item.id)}/approve`],
  reject: (item) => ["POST", `/collections/bulks/${encodeURIComponent(item.bulk_id || item.id)}/reject`],
};

export function jobPage(view, id) {
  const path = `/jobs/${encodeURIComponent(id)}`;
  let item = null;
  let rowsLoaded = false;
  const heading = h("h1", { tabindex: "-1", text: t("loading") });
  const summary = h("div", { class: "summary" });
  const details = h("div", { class: "details" });
  const rowsSection = h("section");
  view.replaceChildren(h("p", {}, h("a", { href: "#/jobs", text: t("back") })), heading, summary, details, rowsSection);

  function drawSummary() {
    heading.textContent = item.name || item.id;
    const counts = item.counts || {};
    summary.replaceChildren(
      h("p", { class: "status-line" }, statusLabel(item.status), " ", h("span", { text: `${t(`type.${item.type}`)}${item.kind ? ` · ${t(`kind.${item.kind}`)}` : ""}` })),
      progressBar(item),
      h("section", {}, h("h2", { id: "counts-title", text: t("job_counts") }), definitions([
        [t("total"), formatNumber(counts.total)],
        [t("succeeded"), formatNumber(counts.succeeded)],
        [t("failed"), formatNumber(counts.failed)],
        [t("skipped"), formatNumber(counts.skipped)],
        [t("canceled"), formatNumber(counts.canceled)],
      ])),
    );
  }

  function drawDetails() {
    const timings = item.timings || item;
    const names = ["created_at", "started_at", "read_at", "finished_at", "canceled_at"];
    const sections = [
      h("section", {}, h("h2", { id: "timings-title", text: t("timings") }), definitions(
        names.map((name) => [t(`time.${name}`), timings[name] ? h("time", { datetime: timings[name], text: formatDate(timings[name]) }) : null]),
      ), item.outcome ? definitions([[t("outcome"), item.outcome]]) : null),
    ];
    if (item.type === "file_import") sections.push(mappingSection(item));
    if ((item.call_runs || []).length) {
      sections.push(h("section", {}, h("h2", { id: "call-runs-title", text: t("call_runs") }),
        h("ul", { "aria-labelledby": "call-runs-title" }, item.call_runs.map((run) => h("li", {},
          h("a", { href: `#/jobs/${encodeURIComponent(run)}`, text: t("call_run_link", { id: run }) }))))));
    }
    const actions = (item.actions || []).filter((name) => name in ACTIONS);
    if (actions.length) {
      sections.push(h("section", {}, h("h2", { id: "actions-title", text: t("actions") }),
        h("div", { class: "buttons" }, actions.map((name) => h("button", {
          type: "button", class: name === "approve" ? "primary" : "danger", "data-action": name, text: t(`action.${name}`), onclick: () => act(name),
        })))));
    }
    sections.push(downloadButtons(item, rowsJobId(item)));
    details.replaceChildren(...sections);
  }

  async function act(name) {
    const ok = await confirmDialog(t(`confirm.${name}`, { name: item.name || item.id }), t(`action.${name}`));
    if (!ok) return;
    const [method, target] = ACTIONS[name](item);
    try {
      await send(method, target, { idempotent: true });
      announce(t("done", { action: t(`action.${name}`) }));
    } catch (error) {
      showError(error);
    }
    rowsLoaded = false;
    polling.restart();
  }

  async function loadRows(cursor) {
    const jobId = rowsJobId(item);
    if (!jobId) return rowsSection.replaceChildren();
    const page = await getJson(`/jobs/${encodeURIComponent(jobId)}/rows`, { status: "failed", limit: 50, cursor });
    let body = rowsSection.querySelector("tbody");
    if (!cursor || !body) {
      const tableEl = table(t("failed_rows"), [t("col_line"), t("col_field"), t("col_message"), t("col_values")], []);
      tableEl.querySelector("caption").classList.add("visually-hidden");
      rowsSection.replaceChildren(h("h2", { id: "failed-title", text: t("failed_rows") }), tableEl);
      body = tableEl.querySelector("tbody");
    }
    body.append(...page.results.map(failedRow));
    rowsSection.querySelector(".more")?.remove();
    if (!body.rows.length) rowsSection.append(h("p", { class: "help", text: t("no_failed_rows") }));
    if (page.next_cursor) {
      rowsSection.append(h("button", { type: "button", class: "more", text: t("more"), onclick: () => loadRows(page.next_cursor) }));
    }
  }

  async function refresh() {
    const before = item && JSON.stringify(item);
    item = await getJson(path);
    if (JSON.stringify(item) !== before) {
      drawSummary();
      drawDetails();
      if (item.terminal) announce(`${item.name}: ${t(`status.${item.status}`)}`);
    }
    // Failed rows are read once the job has ended (and once at first, for a long-running one).
    if (!rowsLoaded || (item.terminal && rowsLoaded === "running")) {
      rowsLoaded = item.terminal ? true : "running";
      await loadRows();
    }
    return !item.terminal;
  }

  const polling = poller(refresh);
  polling.restart();
  return () => polling.stop();
}

// The columns a file was read with (header -> field), and which of them the saved mapping filled.
function mappingSection(item) {
  const saved = item.column_mapping || {};
  const read = Object.keys(item.mapped_columns || {}).length ? item.mapped_columns : saved;
  const parts = [h("h2", { text: t("mapping_used") })];
  parts.push(h("p", { class: "help", text: Object.keys(saved).length ? t("mapping_saved", { columns: Object.keys(saved).join(", ") }) : t("mapping_none") }));
  const entries = Object.entries(read);
  if (entries.length) {
    const columns = table(t("mapped_columns"), [t("file_column"), t("field")], entries.map(([column, field]) => h("tr", {}, h("td", { text: column }), h("td", { text: field }))));
    parts.push(columns);
  }
  if ((item.metadata_columns || []).length) parts.push(definitions([[t("metadata_columns"), item.metadata_columns.join(", ")]]));
  return h("section", {}, parts);
}
