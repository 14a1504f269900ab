// Upload: the file goes straight to S3 through a presigned POST (POST /imports/uploads), under
// imports/<tenant>/<kind>/, so the ordinary import runs; then the page waits for that import to be
// listed (GET /jobs?file_key=) and shows it first in the list.
import { getJson, postToS3, send } from "./api.js";
import { announce, h, showError } from "./dom.js";
import { t } from "./i18n.js";
import { pin } from "./jobs.js";

const KINDS = ["debts", "customers", "collections", "notes"];
const ACCEPT = ".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods";
const WAIT_MS = 60_000;

// What the browser says a file is, or what its extension says when it says nothing.
function contentType(file) {
  if (file.type) return file.type;
  const name = file.name.toLowerCase();
  if (name.endsWith(".xlsx") || name.endsWith(".xlsm")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (name.endsWith(".xls")) return "application/vnd.ms-excel";
  if (name.endsWith(".csv")) return "text/csv";
  return "application/octet-stream";
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function importsOf(key) {
  return (await getJson("/jobs", { file_key: key })).results;
}

// A file dropped again under the same name has the same key: its import is the one not seen before,
// or, for the same content (S3's ETag), the import it already had: a file is imported once.
async function waitForImport(key, before, etag) {
  const until = Date.now() + WAIT_MS;
  let delay = 500;
  while (Date.now() < until) {
    const listed = await importsOf(key);
    const fresh = listed.filter((item) => !before.has(item.id) || (etag && item.file_etag === etag));
    if (fresh.length) return fresh[0];
    await sleep(delay);
    delay = Math.min(delay * 2, 4000);
  }
  return null;
}

export function uploadPage(view) {
  const kind = h("select", { id: "u-kind", onchange: toggleCampaign }, KINDS.map((name) => h("option", { value: name, text: t(`kind.${name}`) })));
  const campaign = h("input", { id: "u-campaign", type: "text", autocomplete: "off" });
  const campaignField = h("div", { class: "field", hidden: true }, h("label", { for: "u-campaign", text: t("upload_campaign") }), campaign);
  // The drop's options (POST /imports/uploads `options`): a debts file's batch name; a customers
  // file's calls, which need their agent.
  const batchName = h("input", { id: "u-batch", type: "text", autocomplete: "off", maxlength: "200" });
  const batchField = h("div", { class: "field" }, h("label", { for: "u-batch", text: t("upload_batch_name") }), batchName);
  const calls = h("input", { id: "u-calls", type: "checkbox" });
  const agent = h("input", { id: "u-agent", type: "text", autocomplete: "off", maxlength: "200" });
  const callsField = h("div", { class: "field", hidden: true },
    h("div", { class: "check" }, calls, h("label", { for: "u-calls", text: t("upload_start_calls") })),
    h("label", { for: "u-agent", text: t("upload_agent") }), agent);
  const input = h("input", { id: "u-file", type: "file", accept: ACCEPT, onchange: () => input.files[0] && upload(input.files[0]) });
  const zone = h(
    "div",
    { class: "drop-zone", id: "drop-zone" },
    h("p", { id: "drop-help", text: t("drop_here") }),
    h("label", { for: "u-file", text: t("choose_file") }),
    input,
  );
  input.setAttribute("aria-describedby", "drop-help");
  const progress = h("p", { class: "upload-state", "aria-live": "polite" });
  view.replaceChildren(
    h("h1", { tabindex: "-1", text: t("upload_title") }),
    h("div", { class: "card" }, h("div", { class: "field" }, h("label", { for: "u-kind", text: t("upload_kind") }), kind), campaignField, batchField, callsField, zone, progress),
  );

  function toggleCampaign() {
    campaignField.hidden = callsField.hidden = kind.value !== "customers";
    batchField.hidden = kind.value !== "debts";
  }

  function options() {
    if (kind.value === "debts" && batchName.value.trim()) return { "batch-name": batchName.value.trim() };
    if (kind.value === "customers" && calls.checked) return { "initiate-call": true, "agent-id": agent.value.trim() };
    return null;
  }

  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) upload(file);
  });

  async function upload(file) {
    // Cleared at once: a browser fires no change for the same file picked again after an error.
    input.value = "";
    if (kind.value === "customers" && !campaign.value.trim()) {
      showError(new Error(t("upload_needs_campaign")));
      campaign.focus();
      return;
    }
    if (kind.value === "customers" && calls.checked && !agent.value.trim()) {
      showError(new Error(t("upload_needs_agent")));
      agent.focus();
      return;
    }
    const say = (message) => {
      progress.textContent = message;
      announce(message);
    };
    try {
      say(t("upload_sending", { name: file.name }));
      const body = { kind: kind.value, file_name: file.name, content_type: contentType(file), size: file.size };
      if (kind.value === "customers") body.campaign_id = campaign.value.trim();
      if (options()) body.options = options();
      const target = await send("POST", "/imports/uploads", { body, idempotent: true });
      const before = new Set((await importsOf(target.key)).map((item) => item.id));
      const etag = await postToS3(target.url, target.fields, file);
      say(t("upload_sent", { name: file.name }));
      const item = await waitForImport(target.key, before, etag);
      if (!item) return say(t("upload_not_listed", { name: file.name }));
      if (before.has(item.id)) {
        // Nothing new runs, so the person stays here, told why, with the import's page at hand.
        say(t("upload_already", { name: file.name }));
        progress.append(" ", h("a", { href: `#/jobs/${encodeURIComponent(item.id)}`, text: t("upload_open") }));
        return;
      }
      pin(item);
      say(t("upload_listed", { name: file.name }));
      location.hash = "#/jobs";
      window.dispatchEvent(new Event("console-upload"));
    } catch (error) {
      showError(error);
    }
  }
}
