// Polling that backs off: 1 s, doubled after each poll up to 15 s, while anything is still running,
// and stopped once everything shown is terminal (or the section is left, or the tab is hidden).
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 15000;

export function poller(refresh) {
  let delay = FIRST_DELAY_MS;
  let timer = null;
  let stopped = false;
  let busy = false;
  let again = false; // a restart while a poll is in flight runs one more, at once, after it

  async function tick() {
    timer = null;
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    if (document.hidden) {
      document.addEventListener("visibilitychange", tick, { once: true });
      return;
    }
    let running = false;
    busy = true;
    try {
      running = await refresh();
    } catch (error) {
      running = true; // a failed poll is retried, more slowly
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      window.dispatchEvent(new CustomEvent("poll-error", { detail: error }));
    } finally {
      busy = false;
    }
    if (again && !stopped) {
      again = false;
      delay = FIRST_DELAY_MS;
      return tick();
    }
    if (running && !stopped) {
      timer = setTimeout(tick, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }

  return {
    // Something new started (an upload, an action): poll soon again.
    restart() {
      delay = FIRST_DELAY_MS;
      if (timer) clearTimeout(timer);
      tick();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
