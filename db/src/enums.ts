// Domain vocabularies shared by the schema, the zod edge schemas and every
// channel. Pure constants: importing this module pulls in no database code.
// Code names follow DESIGN.md's glossary.

export const TICKET_STATUSES = [
  'submitted',
  'accepted',
  'dispatched',
  'in_progress',
  'return_requested',
  'replied',
  'answered',
  'rejected',
  'merged',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const REQUEST_TYPES = ['complaint', 'report', 'help', 'consultation', 'suggestion', 'praise'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const CHANNELS = ['web', 'mailbox', 'wechat', 'telegram', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const STAFF_ROLES = ['operator', 'dispatcher', 'unit_handler', 'supervisor', 'editor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const SATISFACTION_LEVELS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

export const UNIT_KINDS = ['bureau', 'utility', 'district_government', 'street_office', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Who caused an event: a staff member, the citizen (through a channel), or a background job. */
export const ACTOR_KINDS = ['citizen', 'staff', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const FIRST_LEVEL_CATEGORIES = [
  'urban_management',
  'housing_property',
  'utilities',
  'transport',
  'environment',
  'market_regulation',
  'labor_social_security',
  'health',
  'education',
  'public_safety',
  'civil_affairs',
  'household_registration',
  'agriculture_rural',
  'government_services',
  'planning_construction',
  'other',
] as const;
export type FirstLevelCategory = (typeof FIRST_LEVEL_CATEGORIES)[number];

/** A knowledge entry's working copy: draft → in review → published → archived. */
export const KB_ENTRY_STATUSES = ['draft', 'in_review', 'published', 'archived'] as const;
export type KbEntryStatus = (typeof KB_ENTRY_STATUSES)[number];

export const INTAKE_RULE_KINDS = ['category', 'type', 'urgency', 'emergency'] as const;
export type IntakeRuleKind = (typeof INTAKE_RULE_KINDS)[number];

export const EMERGENCY_NUMBERS = ['110', '119', '120'] as const;
export type EmergencyNumber = (typeof EMERGENCY_NUMBERS)[number];
