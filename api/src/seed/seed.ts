import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { categories, type Db, districts, routingRules, staffAccounts, streets, units } from '@hotline/db';
import type { StaffRole } from '@hotline/db/enums';
import { eq, sql } from 'drizzle-orm';
import { ROLE_LABELS } from '../domain/labels.ts';
import { generatePassword, hashPassword } from '../domain/staff/passwords.ts';
import { DEMO_CITY, type DemoCity } from './demo-city.ts';

/**
 * On an empty database, loads the reference configuration of 示范市:
 * districts and streets, the two-level categories, units and routing rules.
 * A database that has any district is left alone: it belongs to a real city.
 */
export async function seedReferenceData(db: Db, city: DemoCity = DEMO_CITY): Promise<boolean> {
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(districts);
  if (Number(existing?.n ?? 0) > 0) return false;
  await db.transaction(async (tx) => {
    await tx.insert(districts).values(city.districts.map((d, i) => ({ code: d.code, name: d.name, sortOrder: i })));
    await tx.insert(streets).values(
      city.districts.flatMap((d) => d.streets.map((s, i) => ({ code: s.code, districtCode: d.code, name: s.name, sortOrder: i }))),
    );
    await tx.insert(categories).values(city.categories.map((c, i) => ({ code: c.code, name: c.name, parentCode: null, sortOrder: i })));
    await tx.insert(categories).values(
      city.categories.flatMap((c) => c.children.map((child, i) => ({ code: child.code, name: child.name, parentCode: c.code, sortOrder: i }))),
    );
    await tx.insert(units).values(
      city.units.map((u) => ({ id: u.id, name: u.name, kind: u.kind, districtCode: u.districtCode ?? null, streetCode: u.streetCode ?? null })),
    );
    await tx.insert(routingRules).values(
      city.routingRules.map((r) => ({
        categoryCode: r.category,
        subcategoryCode: r.subcategory ?? null,
        districtCode: r.district ?? null,
        leadUnitId: r.lead ?? null,
        jurisdiction: r.jurisdiction ?? null,
        coUnitIds: r.coUnits ?? [],
        note: r.note ?? null,
      })),
    );
  });
  return true;
}

export interface DemoAccount {
  username: string;
  password: string;
  role: StaffRole;
  roleLabel: string;
  unitId: string | null;
}

const DEMO_ACCOUNTS: { username: string; displayName: string; role: StaffRole; unitId?: string }[] = [
  { username: 'demo.operator', displayName: '演示受理员', role: 'operator' },
  { username: 'demo.dispatcher', displayName: '演示派单员', role: 'dispatcher' },
  { username: 'demo.unit', displayName: '演示承办人（市城市管理局）', role: 'unit_handler', unitId: 'city_urban_mgmt' },
  { username: 'demo.supervisor', displayName: '演示督办员', role: 'supervisor' },
  { username: 'demo.editor', displayName: '演示知识编辑', role: 'editor' },
  // A second editor: a change is published only when another editor approves it.
  { username: 'demo.reviewer', displayName: '演示审核编辑', role: 'editor' },
  { username: 'demo.admin', displayName: '演示管理员', role: 'admin' },
];

/**
 * Demo staff accounts, one per role, exist only while demo mode is on
 * (DEMO=1, or the embedded default). Their passwords are generated once and
 * kept in DATA_DIR so they can be printed at every start; turning demo mode
 * off disables the accounts.
 */
export async function syncDemoAccounts(db: Db, dataDir: string, enabled: boolean): Promise<DemoAccount[]> {
  if (!enabled) {
    await db.update(staffAccounts).set({ active: false }).where(eq(staffAccounts.demo, true));
    return [];
  }
  const file = join(dataDir, 'demo-accounts.json');
  const remembered: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const result: DemoAccount[] = [];
  for (const spec of DEMO_ACCOUNTS) {
    if (spec.unitId) {
      const [unit] = await db.select({ id: units.id }).from(units).where(eq(units.id, spec.unitId));
      if (!unit) continue; // a real city's configuration without the demo unit
    }
    const [existing] = await db.select().from(staffAccounts).where(eq(staffAccounts.username, spec.username));
    if (existing && !existing.demo) continue; // a real account that happens to use the name
    let password = remembered[spec.username];
    if (!existing || !password) {
      password = generatePassword();
      const values = {
        displayName: spec.displayName,
        role: spec.role,
        unitId: spec.unitId ?? null,
        passwordHash: await hashPassword(password),
        active: true,
        demo: true,
      };
      if (existing) await db.update(staffAccounts).set(values).where(eq(staffAccounts.id, existing.id));
      else await db.insert(staffAccounts).values({ id: crypto.randomUUID(), username: spec.username, ...values });
    } else if (!existing.active) {
      await db.update(staffAccounts).set({ active: true }).where(eq(staffAccounts.id, existing.id));
    }
    remembered[spec.username] = password;
    result.push({ username: spec.username, password, role: spec.role, roleLabel: ROLE_LABELS[spec.role], unitId: spec.unitId ?? null });
  }
  writeFileSync(file, `${JSON.stringify(remembered, null, 2)}\n`, { mode: 0o600 });
  return result;
}
