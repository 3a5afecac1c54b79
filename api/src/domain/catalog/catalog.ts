import { categories, type Db, districts, streets, units, type UnitKind } from '@hotline/db';
import { asc } from 'drizzle-orm';

export interface CategoryInfo {
  code: string;
  name: string;
  parentCode: string | null;
  active: boolean;
}
export interface DistrictInfo {
  code: string;
  name: string;
}
export interface StreetInfo {
  code: string;
  name: string;
  districtCode: string;
}
export interface UnitInfo {
  id: string;
  name: string;
  kind: UnitKind;
  districtCode: string | null;
  streetCode: string | null;
  active: boolean;
}

/** Reference data read on every ticket change, held in memory with the rules. */
export interface Catalog {
  categories: ReadonlyMap<string, CategoryInfo>;
  districts: ReadonlyMap<string, DistrictInfo>;
  streets: ReadonlyMap<string, StreetInfo>;
  units: ReadonlyMap<string, UnitInfo>;
}

export async function loadCatalog(db: Db): Promise<Catalog> {
  const [categoryRows, districtRows, streetRows, unitRows] = await Promise.all([
    db.select().from(categories).orderBy(asc(categories.sortOrder), asc(categories.code)),
    db.select().from(districts).orderBy(asc(districts.sortOrder), asc(districts.code)),
    db.select().from(streets).orderBy(asc(streets.sortOrder), asc(streets.code)),
    db.select().from(units).orderBy(asc(units.name)),
  ]);
  return {
    categories: new Map(categoryRows.map((c) => [c.code, { code: c.code, name: c.name, parentCode: c.parentCode, active: c.active }])),
    districts: new Map(districtRows.map((d) => [d.code, { code: d.code, name: d.name }])),
    streets: new Map(streetRows.map((s) => [s.code, { code: s.code, name: s.name, districtCode: s.districtCode }])),
    units: new Map(
      unitRows.map((u) => [
        u.id,
        { id: u.id, name: u.name, kind: u.kind, districtCode: u.districtCode, streetCode: u.streetCode, active: u.active },
      ]),
    ),
  };
}

/** Splits a category code into its first level and, when given, its second level. */
export function resolveCategory(
  catalog: Catalog,
  code: string,
): { categoryCode: string; subcategoryCode: string | null } | undefined {
  const resolvedCode = findCategoryCode(catalog, code);
  const category = resolvedCode === undefined ? undefined : catalog.categories.get(resolvedCode);
  if (!category || !category.active) return undefined;
  if (category.parentCode === null) return { categoryCode: category.code, subcategoryCode: null };
  return { categoryCode: category.parentCode, subcategoryCode: category.code };
}

// Callers outside our own forms (other hotlines' systems, scripts, chat
// integrations) name places and categories as people do, "东城区" or "停水",
// rather than by our codes; both are accepted, and an unknown value is
// answered with the valid ones so the caller can correct it.

const PLACE_SUFFIXES = /(?:区|县|市|街道|街道办事处|镇|乡)$/;

function byCodeOrName<T extends { code: string; name: string }>(items: Iterable<T>, value: string): T | undefined {
  const wanted = value.trim();
  const all = [...items];
  const exact = all.find((item) => item.code === wanted) ?? all.find((item) => item.name === wanted);
  if (exact) return exact;
  // "东城" for 东城区, "和平" for 和平街道: only when exactly one matches.
  const bare = wanted.replace(PLACE_SUFFIXES, '');
  if (bare.length === 0) return undefined;
  const loose = all.filter((item) => item.name.replace(PLACE_SUFFIXES, '') === bare);
  return loose.length === 1 ? loose[0] : undefined;
}

export function findDistrict(catalog: Catalog, codeOrName: string): DistrictInfo | undefined {
  return catalog.districts.get(codeOrName.trim()) ?? byCodeOrName(catalog.districts.values(), codeOrName);
}

/** A street by code or name, within `districtCode` when given (street names repeat across districts). */
export function findStreet(catalog: Catalog, codeOrName: string, districtCode: string | null): StreetInfo | undefined {
  const byCode = catalog.streets.get(codeOrName.trim());
  if (byCode) return byCode;
  const candidates = [...catalog.streets.values()].filter((s) => districtCode === null || s.districtCode === districtCode);
  return byCodeOrName(candidates, codeOrName);
}

/**
 * An active category by code or by name: a first-level name ("水电气暖"), a
 * second-level name when it is unique ("停水"), or "一级/二级" ("水电气暖/停水").
 */
export function findCategoryCode(catalog: Catalog, codeOrName: string): string | undefined {
  const wanted = codeOrName.trim();
  if (catalog.categories.has(wanted)) return catalog.categories.get(wanted)!.active ? wanted : undefined;
  const active = [...catalog.categories.values()].filter((c) => c.active);
  const [parentName, childName] = wanted.split(/\s*[/／>＞·.]\s*/);
  if (childName !== undefined && parentName) {
    const parent = active.find((c) => c.parentCode === null && c.name === parentName);
    return active.find((c) => parent && c.parentCode === parent.code && c.name === childName)?.code;
  }
  const named = active.filter((c) => c.name === wanted);
  const first = named.find((c) => c.parentCode === null);
  if (first) return first.code;
  return named.length === 1 ? named[0]!.code : undefined;
}

/** "东城区（dongcheng）、西城区（xicheng）…": what a caller may send instead of an unknown value. */
export function describeChoices(items: Iterable<{ code: string; name: string }>, max = 12): string {
  const all = [...items];
  const shown = all.slice(0, max).map((item) => `${item.name}（${item.code}）`);
  return all.length > max ? `${shown.join('、')} 等 ${all.length} 项` : shown.join('、');
}
