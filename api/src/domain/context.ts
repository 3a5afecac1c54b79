import type { Channel, Db, StaffRole } from '@hotline/db';
import type { Rules } from './settings/rules.ts';

export interface StaffActor {
  kind: 'staff';
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  unitId: string | null;
}

export interface CitizenActor {
  kind: 'citizen';
  channel: Channel;
  channelUserId: string | null;
}

export interface SystemActor {
  kind: 'system';
  job: string;
}

/** Who acts: a citizen on a channel, a staff member, or a background job. */
export type Actor = StaffActor | CitizenActor | SystemActor;

/**
 * What every domain verb receives: who acts, the database, the clock and the
 * rules in force (settings, working calendar, reference data). Free of HTTP,
 * so bots, jobs and the CLI call the same verbs as the API.
 */
export interface DomainContext {
  db: Db;
  actor: Actor;
  now: () => Date;
  rules: Rules;
}

export function withActor(ctx: DomainContext, actor: Actor): DomainContext {
  return { ...ctx, actor };
}
