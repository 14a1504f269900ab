// The console's shell: signing in and out, the sections a key's scopes allow, and the hash router.
import { apiKey, getJson, setApiKey } from "./api.js";
import { clearError, h, showError } from "./dom.js";
import { lang, setLang, t, translatePage } from "./i18n.js";
import { jobPage, jobsList } from "./jobs.js";
import { uploadPage } from "./upload.js";
import { creditsPage, mappingsPage, webhooksPage } from "./extras.js";

const session = { me: null, stop: null };

export function may(scope) {
  return Boolean(session.me && session.me.scopes.includes(scope));
}

const ROUTES = {
  jobs: (view, [id]) => (id ? jobPage(view, decodeURIComponent(id), { may }) : jobsList(view, { may })),
  upload: (view) => uploadPage(view, { may }),
  credits: (view) => creditsPage(view, { may }),
  webhooks: (view) => webhooksPage(view, { may }),
  mappings: (view) => mappingsPage(view, { may }),
};

function signInPage(view, refused) {
  const input = h("input", { id: "key", type: "password", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "key-help" });
  const form = h(
    "form",
    { class: "card narrow", onsubmit: (event) => signIn(event, input.value.trim()) },
    h("h1", { tabindex: "-1", text: t("sign_in") }),
    h("p", { id: "key-help", class: "help", text: t("sign_in_help") }),
    h("label", { for: "key", text: t("api_key") }),
    input,
    refused ? h("p", { class: "error-text", role: "alert", text: t("bad_key") }) : null,
    h("button", { type: "submit", class: "primary", text: t("sign_in") }),
  );
  view.replaceChildren(form);
  input.focus();
}

async function signIn(event, key) {
  event.preventDefault();
  if (!key) return;
  setApiKey(key);
  await start();
}

function signOut() {
  setApiKey(null);
  session.me = null;
  render();
}

async function start() {
  clearError();
  session.me = null;
  if (apiKey()) {
    try {
      session.me = await getJson("/me");
    } catch (error) {
      setApiKey(null);
      if (error.status !== 401 && error.status !== 403) showError(error);
      return render(true);
    }
    if (!location.hash.startsWith("#/")) history.replaceState(null, "", "#/jobs");
  }
  render();
}

function render(refused = false) {
  if (session.stop) session.stop();
  session.stop = null;
  translatePage();
  document.querySelector("#lang span").lang = lang() === "fr" ? "en" : "fr";
  const view = document.getElementById("view");
  const signedIn = Boolean(session.me);
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
  const who = document.getElementById("who");
  who.hidden = !signedIn;
  if (!signedIn) return signInPage(view, refused);
  who.textContent = t("signed_in_as", { tenant: session.me.tenant_name || session.me.tenant_id, key: session.me.key_id });
  for (const link of document.querySelectorAll("#nav a")) {
    link.parentElement.hidden = Boolean(link.dataset.scope) && !may(link.dataset.scope);
  }
  const [name, ...rest] = location.hash.replace(/^#\//, "").split("/");
  const route = ROUTES[name] && !routeHidden(name) ? name : "jobs";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.route === route) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  clearError();
  session.stop = ROUTES[route](view, rest) || null;
}

function routeHidden(name) {
  const link = document.querySelector(`#nav a[data-route="${name}"]`);
  return Boolean(link && link.dataset.scope && !may(link.dataset.scope));
}

// A new section gets its heading focused, so a screen reader says where the person now is.
function focusHeading() {
  const heading = document.querySelector("#view h1");
  if (heading) heading.focus();
}

window.addEventListener("hashchange", () => {
  // The skip link's #main is not a route.
  if (!location.hash.startsWith("#/")) return;
  if (session.me) {
    render();
    focusHeading();
  }
});

window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  showError(event.reason);
});

document.getElementById("skip").addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("main").focus();
});
document.getElementById("sign-out").addEventListener("click", signOut);
document.getElementById("lang").addEventListener("click", () => {
  setLang(lang() === "fr" ? "en" : "fr");
  render();
});

setLang(lang());
start();
