import type { Db } from '@hotline/db';
import type { Urgency } from '@hotline/db/enums';
import { decideUrgency, type PlaceNames, type UrgencyDecision } from '@hotline/knowledge';
import type { DomainContext } from '../context.ts';
import { KnowledgeService } from '../knowledge/knowledge-service.ts';

/** Where the intake rules come from: the process's knowledge service (its cached snapshot). */
export interface IntakeRulesSource {
  intakeRules(): ReturnType<KnowledgeService['intakeRules']>;
}

/**
 * Why a new ticket has its urgency, recorded on its creation event (data.urgency):
 * the rule or model that decided and the evidence, for staff to see and for
 * the model's evaluation.
 */
export interface UrgencyBasis {
  level: Urgency;
  /** emergency / rule / model: the intake decided; staff: the operator on the phone marked it urgent; none: nothing found. */
  by: UrgencyDecision['by'] | 'staff';
  emergency: UrgencyDecision['emergency'];
  rules: string[];
  words: string[];
  model: number | null;
  threshold: number;
  /** A citizen's client that sent urgency: what it said (the intake decides, not the client). */
  claimed?: Urgency;
}

/** Callers without a knowledge service (CLI, domain tests): the rules read from the database, cached per database like the service's snapshot. */
const fallbackSources = new WeakMap<Db, KnowledgeService>();
function fallbackSource(db: Db): IntakeRulesSource {
  let service = fallbackSources.get(db);
  if (!service) fallbackSources.set(db, (service = new KnowledgeService({ db, meili: null, sharedDatabase: false })));
  return service;
}

/**
 * The text urgency is judged on: the description, and the title when it
 * says something the description does not (a chat channel's title is the
 * description's first words, and must not count them twice).
 */
export function urgencyText(title: string | undefined, description: string): string {
  const t = title?.trim().replace(/…$/, '');
  return t && !description.includes(t) ? `${t}。${description}` : description;
}

/**
 * The urgency of every new ticket, whatever its channel: one function
 * (knowledge's decideUrgency: emergency and urgency rules, then the model),
 * so the same words are urgent on the web form, the mayor's mailbox, WeChat,
 * Telegram and the phone. A citizen's client cannot set it; an operator
 * taking a call may raise it (never lower it), as at acceptance.
 */
export async function decideTicketUrgency(
  ctx: DomainContext,
  input: { title?: string | undefined; description: string; urgency?: Urgency | undefined; channel: string },
  source?: IntakeRulesSource,
): Promise<UrgencyBasis> {
  const { rules, vocabulary } = await (source ?? fallbackSource(ctx.db)).intakeRules();
  const catalog = placeNames(ctx.rules.catalog);
  const decision = decideUrgency({ rules, vocabulary, catalog }, urgencyText(input.title, input.description));
  const basis: UrgencyBasis = {
    level: decision.urgency,
    by: decision.by,
    emergency: decision.emergency,
    rules: decision.rules,
    words: decision.words,
    model: decision.model,
    threshold: decision.threshold,
  };
  const staff = ctx.actor.kind === 'staff' && input.channel === 'phone';
  if (staff && input.urgency === 'urgent' && basis.level === 'normal') return { ...basis, level: 'urgent', by: 'staff' };
  if (!staff && input.urgency === 'urgent' && basis.level === 'normal') basis.claimed = 'urgent';
  return basis;
}

type Catalog = DomainContext['rules']['catalog'];
const placeNamesOf = new WeakMap<Catalog, PlaceNames>();
/** The district and street names, once per loaded catalog. */
function placeNames(catalog: Catalog): PlaceNames {
  let names = placeNamesOf.get(catalog);
  if (!names) {
    const streets = [...catalog.streets.values()];
    names = {
      districts: [...catalog.districts.values()].map((d) => ({ name: d.name, streets: streets.filter((s) => s.districtCode === d.code).map((s) => ({ name: s.name })) })),
    };
    placeNamesOf.set(catalog, names);
  }
  return names;
}
