import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedMeili } from '@hotline/knowledge';
import { expect, it } from 'vitest';

it('starts Meilisearch with a master key that begins with a dash (a base64url key does, one time in 64)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-meili-key-'));
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'master-key'), '-3kQx_Z9aB7cD1eF2gH3iJ4kL5mN6oP7\n');
    const meili = await startEmbeddedMeili({ dir, supervise: false });
    try {
      expect(meili.masterKey).toBe('-3kQx_Z9aB7cD1eF2gH3iJ4kL5mN6oP7');
      const keys = await fetch(`${meili.url}/keys`, { headers: { authorization: `Bearer ${meili.masterKey}` } });
      expect(keys.status).toBe(200);
      const anonymous = await fetch(`${meili.url}/keys`);
      expect(anonymous.status).toBe(401);
    } finally {
      await meili.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
