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
  const category = catalog.categories.get(code);
  if (!category || !category.active) return undefined;
  if (category.parentCode === null) return { categoryCode: category.code, subcategoryCode: null };
  return { categoryCode: category.parentCode, subcategoryCode: category.code };
}
