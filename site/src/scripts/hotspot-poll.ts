// 热点预警 live: a short poll of GET /api/staff/hotspots (the list the page was
// drawn with) shows a notice offering a reload when a warning is raised,
// updated by a later run, or changes status. Paused while the tab is hidden.

const INTERVAL_MS = 15_000;
const notice = document.querySelector<HTMLElement>('[data-hotspot-fresh]');

interface Row {
  id: string;
  lastFiredAt: string;
  status: string;
}

let timer = 0;
let busy = false;
async function poll() {
  if (!notice || busy || document.hidden) return;
  busy = true;
  try {
    const res = await fetch(`/api/staff/hotspots?status=${notice.dataset.status ?? 'open'}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (res.status === 401 || res.status === 403) {
      window.clearInterval(timer);
      return;
    }
    if (!res.ok) return;
    const { items } = (await res.json()) as { items: Row[] };
    const signature = items.map((w) => `${w.id}@${w.lastFiredAt}@${w.status}`).join(',');
    notice.hidden = signature === (notice.dataset.signature ?? '');
  } catch {
    // Offline for a moment: try again at the next tick.
  } finally {
    busy = false;
  }
}

if (notice) {
  timer = window.setInterval(poll, INTERVAL_MS);
  document.addEventListener('visibilitychange', () => void (!document.hidden && poll()));
}
