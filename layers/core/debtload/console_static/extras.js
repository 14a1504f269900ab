// Around the jobs: credits (GET /credits), the webhook endpoint and its deliveries (GET /webhooks,
// GET /webhooks/events, POST /webhooks/events/{id}/replay) and the saved column mappings
// (GET/PUT/DELETE /import-mappings/{kind}).
import { getJson, send } from "./api.js";
import { announce, confirmDialog, definitions, h, showError, table } from "./dom.js";
import { formatDate, formatNumber, t } from "./i18n.js";

const when = (iso) => (iso ? h("time", { datetime: iso, text: formatDate(iso) }) : "");

export function creditsPage(view) {
  const heading = h("h1", { tabindex: "-1", text: t("credits_title") });
  const balance = h("div");
  const body = h("tbody");
  const ledger = table(t("ledger"), [t("col_when"), t("col_amount"), t("col_reason")], []);
  ledger.querySelector("tbody").replaceWith(body);
  const more = h("button", { type: "button", hidden: true, text: t("more") });
  view.replaceChildren(heading, balance, ledger, more);
  // The ledger is paged (newest first): "load more" follows its cursor.
  async function load(cursor) {
    const credits = await getJson("/credits", { limit: 50, cursor });
    balance.replaceChildren(definitions([[t("balance"), h("strong", { class: "balance", text: formatNumber(credits.balance) })]]));
    body.append(...(credits.ledger || []).map((entry) =>
      h("tr", {}, h("td", {}, when(entry.created_at)), h("td", { class: "number", text: formatNumber(entry.amount) }), h("td", { text: entry.reason })),
    ));
    more.hidden = !credits.next_cursor;
    more.onclick = () => load(credits.next_cursor).catch(showError);
  }
  load().catch(showError);
}

const DELIVERY_STATUSES = ["pending", "retrying", "delivered", "failed", "skipped", "disabled"];

export function webhooksPage(view) {
  const heading = h("h1", { tabindex: "-1", text: t("webhooks_title") });
  const endpoint = h("section", {}, h("h2", { id: "endpoint-title", text: t("endpoint") }));
  const filter = h("select", { id: "w-status", onchange: () => loadEvents() }, h("option", { value: "", text: t("any") }),
    DELIVERY_STATUSES.map((name) => h("option", { value: name, text: name })));
  const events = h("div");
  view.replaceChildren(heading, endpoint, h("section", {},
    h("h2", { id: "deliveries-title", text: t("deliveries") }),
    h("div", { class: "filters" }, h("div", {}, h("label", { for: "w-status", text: t("filter_status") }), filter)),
    events));

  getJson("/webhooks").then((hook) => {
    endpoint.append(definitions([
      [t("endpoint"), hook.url],
      [t("events"), (hook.events || []).join(", ")],
      [t("enabled"), hook.enabled === false ? t("disabled", { reason: hook.disabled_reason || "" }) : t("yes")],
    ]));
  }, (error) => endpoint.append(h("p", { class: "help", text: error.status === 404 ? t("no_endpoint") : t("error", { message: error.message }) })));

  async function replay(event) {
    try {
      await send("POST", `/webhooks/events/${encodeURIComponent(event.id)}/replay`, { idempotent: true });
      announce(t("replayed", { id: event.id }));
      await loadEvents();
    } catch (error) {
      showError(error);
    }
  }

  async function loadEvents() {
    const page = await getJson("/webhooks/events", { status: filter.value });
    events.replaceChildren(table(t("deliveries"), [t("col_event"), t("col_created"), t("col_status"), t("col_attempts"), t("col_last"), t("col_next"), t("actions")],
      page.results.map((event) => h("tr", { "data-event": event.id },
        h("td", {}, h("span", { text: event.type }), h("br"), h("code", { text: event.id })),
        h("td", {}, when(event.created_at)),
        h("td", { text: event.delivery_status }),
        h("td", { class: "number", text: String(event.attempts ?? 0) }),
        h("td", {}, event.last_attempt || "", event.last_attempt_at ? h("br") : null, when(event.last_attempt_at)),
        h("td", {}, when(event.next_attempt_at || event.next_retry_at)),
        h("td", {}, event.delivery_status === "failed"
          ? h("button", { type: "button", "aria-label": t("replay_label", { id: event.id }), text: t("replay"), onclick: () => replay(event) })
          : ""),
      ))));
  }
  loadEvents().catch(showError);
}

const MAPPING_KINDS = ["debts", "customers", "collections", "notes"];

export function mappingsPage(view, { may }) {
  const editable = may("imports:write");
  const kind = h("select", { id: "m-kind", onchange: () => load() }, MAPPING_KINDS.map((name) => h("option", { value: name, text: t(`kind.${name}`) })));
  const body = h("tbody");
  const editor = table(t("mappings_title"), [t("header"), t("field"), t("actions")], []);
  editor.querySelector("tbody").replaceWith(body);
  const note = h("p", { class: "help" });
  const buttons = h("div", { class: "buttons", hidden: !editable },
    h("button", { type: "button", text: t("add_row"), onclick: () => addRow("", "", true) }),
    h("button", { type: "button", class: "primary", text: t("save"), onclick: save }),
    h("button", { type: "button", class: "danger", id: "m-delete", text: t("delete_mapping"), onclick: remove }));
  view.replaceChildren(
    h("h1", { tabindex: "-1", text: t("mappings_title") }),
    h("div", { class: "filters" }, h("div", {}, h("label", { for: "m-kind", text: t("mapping_kind") }), kind)),
    note, editor, buttons,
  );

  function addRow(header, field, focus = false) {
    const n = body.rows.length + 1;
    const headerInput = h("input", { type: "text", value: header, "aria-label": `${t("header")} ${n}`, readonly: !editable, class: "m-header" });
    const fieldInput = h("input", { type: "text", value: field, "aria-label": `${t("field")} ${n}`, readonly: !editable, class: "m-field" });
    const row = h("tr", {}, h("td", {}, headerInput), h("td", {}, fieldInput),
      h("td", {}, editable ? h("button", { type: "button", "aria-label": t("remove_row_label", { n }), text: t("remove_row"), onclick: () => row.remove() }) : ""));
    body.append(row);
    if (focus) headerInput.focus();
  }

  async function load() {
    body.replaceChildren();
    note.textContent = t("loading");
    try {
      const mapping = await getJson(`/import-mappings/${kind.value}`);
      note.textContent = mapping.updated_at ? t("updated", { time: formatDate(mapping.updated_at) }) : "";
      for (const [header, field] of Object.entries(mapping.columns)) addRow(header, field);
    } catch (error) {
      if (error.status !== 404) return showError(error);
      note.textContent = t("no_mapping");
      if (editable) addRow("", "");
    }
  }

  async function save() {
    const columns = {};
    for (const row of body.rows) {
      const header = row.querySelector(".m-header").value.trim();
      const field = row.querySelector(".m-field").value.trim();
      if (header || field) columns[header] = field;
    }
    try {
      await send("PUT", `/import-mappings/${kind.value}`, { body: { columns } });
      announce(t("saved"));
      await load();
    } catch (error) {
      const valid = error.body?.details?.valid_fields;
      showError(valid ? new Error(`${error.message} (${[].concat(valid).join(", ")})`) : error);
    }
  }

  async function remove() {
    if (!(await confirmDialog(t("confirm.delete_mapping", { kind: t(`kind.${kind.value}`) }), t("delete_mapping")))) return;
    try {
      await send("DELETE", `/import-mappings/${kind.value}`);
      announce(t("deleted"));
      await load();
    } catch (error) {
      showError(error);
    }
  }

  load();
}
