import { type Queryable, routingRules } from '@hotline/db';
import { and, eq, isNull, or } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.ts';
import type { MailboxSettings } from '../settings/settings.ts';

export interface RoutingSuggestion {
  leadUnitId: string;
  coUnitIds: string[];
  ruleId: number;
  /** What the matching rule was keyed on, most specific first. */
  matchedOn: { category: string; subcategory: string | null; district: string | null };
  /** Why, in the dispatcher's words, when no routing rule decided it (a letter to a district's 区长). */
  reason?: string;
}

export interface RoutingQuery {
  categoryCode: string | null;
  subcategoryCode: string | null;
  districtCode: string | null;
  streetCode: string | null;
  channel?: string | null;
  addressee?: string | null;
}

/** 属地: the street office of the street, or else the district government. */
function jurisdictionUnit(catalog: Catalog, q: RoutingQuery, level: 'street' | 'district'): string | null {
  const active = [...catalog.units.values()].filter((u) => u.active);
  if (level === 'street' && q.streetCode) {
    const office = active.find((u) => u.kind === 'street_office' && u.streetCode === q.streetCode);
    if (office) return office.id;
  }
  if (q.districtCode) {
    const government = active.find((u) => u.kind === 'district_government' && u.districtCode === q.districtCode);
    if (government) return government.id;
  }
  return null;
}

/**
 * (category, second-level category, district) → lead unit and co-units.
 * Among the rules of the category, one naming the second level beats one
 * naming the district, which beats the category-wide rule; priority breaks ties.
 */
export async function suggestUnits(db: Queryable, catalog: Catalog, q: RoutingQuery, mailbox?: MailboxSettings): Promise<RoutingSuggestion | null> {
  // A letter to a district's 区长 goes to that district's government, whatever it is about.
  const scope = q.channel === 'mailbox' && q.addressee ? mailbox?.addressees.find((a) => a.code === q.addressee)?.scope : undefined;
  if (scope === 'district' && q.districtCode) {
    const government = jurisdictionUnit(catalog, q, 'district');
    if (government) {
      const district = catalog.districts.get(q.districtCode)?.name ?? q.districtCode;
      return { leadUnitId: government, coUnitIds: [], ruleId: 0, matchedOn: { category: q.categoryCode ?? '', subcategory: null, district: q.districtCode }, reason: `写给${district}区长的来信` };
    }
  }
  if (!q.categoryCode) return null;
  const rules = await db
    .select()
    .from(routingRules)
    .where(
      and(
        eq(routingRules.categoryCode, q.categoryCode),
        q.subcategoryCode ? or(isNull(routingRules.subcategoryCode), eq(routingRules.subcategoryCode, q.subcategoryCode)) : isNull(routingRules.subcategoryCode),
        q.districtCode ? or(isNull(routingRules.districtCode), eq(routingRules.districtCode, q.districtCode)) : isNull(routingRules.districtCode),
      ),
    );
  const score = (r: (typeof rules)[number]) => (r.subcategoryCode ? 2 : 0) + (r.districtCode ? 1 : 0);
  rules.sort((a, b) => score(b) - score(a) || b.priority - a.priority || a.id - b.id);
  for (const rule of rules) {
    const lead = rule.leadUnitId ?? (rule.jurisdiction ? jurisdictionUnit(catalog, q, rule.jurisdiction) : null);
    if (!lead || !catalog.units.get(lead)?.active) continue;
    const coUnitIds = rule.coUnitIds.filter((id) => id !== lead && catalog.units.get(id)?.active);
    return {
      leadUnitId: lead,
      coUnitIds,
      ruleId: rule.id,
      matchedOn: { category: rule.categoryCode, subcategory: rule.subcategoryCode, district: rule.districtCode },
    };
  }
  return null;
}
