import { randomFillSync } from 'node:crypto';

// Random bits come from a pool filled 512 ids at a time: one call into the
// system's generator per id cost the intake path more than the id's formatting.
const POOL_IDS = 512;
const pool = Buffer.alloc(POOL_IDS * 10);
let used = POOL_IDS;
const bytes = Buffer.alloc(16);

/**
 * UUID version 7 (RFC 9562): a millisecond timestamp followed by random bits,
 * so primary keys sort by creation time and index pages fill in order.
 */
export function newId(now: number = Date.now()): string {
  if (used === POOL_IDS) {
    randomFillSync(pool);
    used = 0;
  }
  pool.copy(bytes, 6, used * 10, used * 10 + 10);
  used++;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
