/**
 * The WeChat voice messages an event was spoken in: a filing's
 * `voiceMediaIds`, a supplement's `voiceMediaId`. Free of imports, so the
 * staff ticket page reads event data with the same function as the API.
 */
export function voiceMediaIdsOf(data: unknown): string[] {
  const d = (data ?? {}) as { voiceMediaIds?: unknown; voiceMediaId?: unknown };
  const ids = Array.isArray(d.voiceMediaIds) ? d.voiceMediaIds : typeof d.voiceMediaId === 'string' ? [d.voiceMediaId] : [];
  return ids.filter((id): id is string => typeof id === 'string' && id.length > 0);
}
