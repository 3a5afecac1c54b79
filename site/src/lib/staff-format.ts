/** Beijing time as the hotline reads it: 2026-11-21 14:05. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const parts = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The queue filters the workbench keeps in its URL, and passes on to the API as they are. */
export const QUEUE_PARAMS = ['queue', 'type', 'category', 'district', 'channel', 'urgency', 'status', 'sort', 'q', 'page'] as const;

export function queueSearch(url: URL, overrides: Record<string, string | null> = {}): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of QUEUE_PARAMS) {
    const value = key in overrides ? overrides[key] : url.searchParams.get(key);
    if (value) search.set(key, value);
  }
  return search;
}
