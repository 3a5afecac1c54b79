// New tickets without a reload: a short poll of the viewer's queue counts
// (GET /api/staff/queues, the same numbers the page was drawn with) updates
// the navigation's badges, and on a queue page a notice offers to show the
// tickets that arrived since. Paused while the tab is hidden.

interface QueueCount {
  queue: string;
  count: number;
}

const INTERVAL_MS = 10_000;

const nav = document.querySelector<HTMLElement>('[data-queue-poll]');
const notice = document.querySelector<HTMLElement>('[data-fresh-notice]');

function updateBadges(counts: QueueCount[]) {
  const label = nav?.dataset.countLabel ?? '{n}';
  for (const { queue, count } of counts) {
    const badge = nav?.querySelector<HTMLElement>(`[data-queue="${queue}"] .count`);
    if (!badge) continue;
    const text = label.replace('{n}', String(count));
    const shown = badge.lastChild;
    if (shown && shown.nodeType === Node.TEXT_NODE) {
      if (shown.textContent !== text) shown.textContent = text;
    } else badge.append(text);
    badge.classList.toggle('zero', count === 0);
  }
}

function updateNotice(counts: QueueCount[]) {
  if (!notice) return;
  const base = Number(notice.dataset.count ?? '0');
  const now = counts.find((c) => c.queue === notice.dataset.noticeQueue)?.count;
  if (now === undefined) return;
  const fresh = now - base;
  const link = notice.querySelector('a')!;
  if (fresh > 0) {
    link.textContent = (notice.dataset.template ?? '{n}').replace('{n}', String(fresh));
    notice.hidden = false;
  } else notice.hidden = true;
}

let busy = false;
async function poll() {
  if (busy || document.hidden) return;
  busy = true;
  try {
    const res = await fetch('/api/staff/queues', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    // Logged out or expired: the next page load says so; the poll stops quietly.
    if (res.status === 401) {
      window.clearInterval(timer);
      return;
    }
    if (!res.ok) return;
    const { queues } = (await res.json()) as { queues: QueueCount[] };
    updateBadges(queues);
    updateNotice(queues);
  } catch {
    // Offline for a moment: try again at the next tick.
  } finally {
    busy = false;
  }
}

const timer = window.setInterval(poll, INTERVAL_MS);

// 全选本页 for the bulk actions: only with a script, the row boxes work without it.
const selectAll = document.querySelector<HTMLInputElement>('[data-select-all]');
if (selectAll) {
  const rows = () => [...document.querySelectorAll<HTMLInputElement>('#bulk-form input[name="ticketNo"]')];
  selectAll.hidden = false;
  selectAll.addEventListener('change', () => {
    for (const box of rows()) box.checked = selectAll.checked;
  });
  document.getElementById('bulk-form')?.addEventListener('change', (event) => {
    if (event.target === selectAll) return;
    const all = rows();
    selectAll.checked = all.length > 0 && all.every((box) => box.checked);
    selectAll.indeterminate = !selectAll.checked && all.some((box) => box.checked);
  });
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void poll();
});

export {};
