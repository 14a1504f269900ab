// Building the page with DOM calls only: no innerHTML, so nothing the API returns is ever parsed as
// markup, and no inline style or script the Content-Security-Policy would refuse.
import { t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "text") el.textContent = value;
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// A table that scrolls sideways on a narrow screen; the scrolling region is focusable and named,
// so a keyboard user can scroll it too.
export function table(caption, headers, rows) {
  const id = `cap-${Math.random().toString(36).slice(2, 9)}`;
  const wrapper = h(
    "div",
    { class: "table-scroll", role: "region", tabindex: "0", "aria-labelledby": id },
    h(
      "table",
      {},
      h("caption", { id, text: caption }),
      h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col", text: name })))),
      h("tbody", {}, rows),
    ),
  );
  return wrapper;
}

export function definitions(pairs) {
  return h(
    "dl",
    { class: "pairs" },
    pairs.filter(([, value]) => value !== undefined && value !== null && value !== "").map(([term, value]) => [
      h("dt", { text: term }),
      h("dd", {}, value instanceof Node ? value : String(value)),
    ]),
  );
}

// Polite announcements for progress and results; errors go to the assertive region.
export function announce(message) {
  const region = document.getElementById("status");
  region.textContent = "";
  setTimeout(() => (region.textContent = message), 30);
}

export function showError(error) {
  const region = document.getElementById("alert");
  const message = error && error.status === 403 ? t("forbidden") : t("error", { message: error?.message ?? String(error) });
  region.textContent = message;
  region.hidden = false;
}

export function clearError() {
  const region = document.getElementById("alert");
  region.textContent = "";
  region.hidden = true;
}

// Each action asks first, in a modal <dialog> (focus is kept inside it and returns where it was).
export function confirmDialog(message, confirmLabel) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = message;
  const yes = document.getElementById("confirm-yes");
  const no = document.getElementById("confirm-no");
  yes.textContent = confirmLabel || t("confirm");
  no.textContent = t("dismiss");
  return new Promise((resolve) => {
    const finish = (answer) => {
      yes.removeEventListener("click", onYes);
      no.removeEventListener("click", onNo);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onYes = () => finish(true);
    const onNo = () => finish(false);
    const onClose = () => finish(false);
    yes.addEventListener("click", onYes);
    no.addEventListener("click", onNo);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    no.focus();
  });
}

export function statusLabel(status) {
  return h("span", { class: `badge status-${status}`, text: t(`status.${status}`) });
}
