import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  canTransition,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  type TicketAction,
  type TicketStatus,
} from '../../../api/src/domain/tickets/state-machine.ts';

// DESIGN.md's lifecycle, written out by hand: every legal (action, from, to).
// Anything not listed must be refused.
const LEGAL: [TicketAction, TicketStatus | null, TicketStatus][] = [
  ['submit', null, 'submitted'],
  ['accept', 'submitted', 'accepted'],
  ['reject', 'submitted', 'rejected'],
  ['reject', 'accepted', 'rejected'],
  ['answer_directly', 'submitted', 'answered'],
  ['answer_directly', 'accepted', 'answered'],
  ['merge', 'submitted', 'merged'],
  ['merge', 'accepted', 'merged'],
  ['dispatch', 'accepted', 'dispatched'],
  ['sign', 'dispatched', 'in_progress'],
  ['request_return', 'dispatched', 'return_requested'],
  ['request_return', 'in_progress', 'return_requested'],
  ['approve_return', 'return_requested', 'accepted'],
  ['deny_return', 'return_requested', 'dispatched'],
  ['deny_return', 'return_requested', 'in_progress'],
  ['reply', 'in_progress', 'replied'],
  ['rate', 'replied', 'closed'],
  ['rate', 'replied', 'in_progress'],
  ['rate', 'replied', 'accepted'],
  ['rate', 'answered', 'closed'],
  ['rate', 'answered', 'in_progress'],
  ['rate', 'answered', 'accepted'],
  ['reopen', 'replied', 'in_progress'],
  ['reopen', 'replied', 'accepted'],
  ['reopen', 'answered', 'in_progress'],
  ['reopen', 'answered', 'accepted'],
  ['reopen', 'closed', 'in_progress'],
  ['reopen', 'closed', 'accepted'],
  ['close', 'replied', 'closed'],
  ['close', 'answered', 'closed'],
  ['auto_close', 'replied', 'closed'],
  ['auto_close', 'answered', 'closed'],
  // Events that keep the status.
  ...(['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested'] as const).map(
    (s) => ['mark_repeat', s, s] as [TicketAction, TicketStatus, TicketStatus],
  ),
  ...(['dispatched', 'in_progress'] as const).map((s) => ['request_extension', s, s] as [TicketAction, TicketStatus, TicketStatus]),
  ...(['dispatched', 'in_progress', 'return_requested'] as const).flatMap((s) => [
    ['approve_extension', s, s] as [TicketAction, TicketStatus, TicketStatus],
    ['deny_extension', s, s] as [TicketAction, TicketStatus, TicketStatus],
    ['urge', s, s] as [TicketAction, TicketStatus, TicketStatus],
  ]),
  ...(['submitted', 'accepted', 'dispatched', 'in_progress', 'return_requested', 'replied'] as const).map(
    (s) => ['supervise', s, s] as [TicketAction, TicketStatus, TicketStatus],
  ),
  ...(['dispatched', 'in_progress'] as const).map((s) => ['progress_note', s, s] as [TicketAction, TicketStatus, TicketStatus]),
  ['record_contact', 'in_progress', 'in_progress'],
  // The citizen's supplement to an open ticket (a chat follow-up): the status stays.
  ['supplement', 'submitted', 'submitted'],
  ['supplement', 'accepted', 'accepted'],
  ['supplement', 'dispatched', 'dispatched'],
  ['supplement', 'in_progress', 'in_progress'],
  ['supplement', 'return_requested', 'return_requested'],
  ...(['replied', 'answered'] as const).map((s) => ['callback_attempt', s, s] as [TicketAction, TicketStatus, TicketStatus]),
  ...(['replied', 'answered', 'closed'] as const).map((s) => ['publish', s, s] as [TicketAction, TicketStatus, TicketStatus]),
  ...(['accepted', 'dispatched', 'in_progress', 'return_requested', 'replied', 'answered', 'closed'] as const).map(
    (s) => ['unpublish', s, s] as [TicketAction, TicketStatus, TicketStatus],
  ),
];

const key = (a: TicketAction, f: TicketStatus | null, t: TicketStatus) => `${a}:${f}:${t}`;
const legal = new Set(LEGAL.map(([a, f, t]) => key(a, f, t)));

describe('ticket state machine', () => {
  it.each(LEGAL)('allows %s from %s to %s', (action, from, to) => {
    expect(canTransition(action, from, to)).toBe(true);
    expect(() => assertTransition(action, from, to)).not.toThrow();
  });

  it('refuses every other combination of action, status and target', () => {
    let refused = 0;
    for (const action of TICKET_ACTIONS) {
      for (const from of [null, ...TICKET_STATUSES]) {
        for (const to of TICKET_STATUSES) {
          if (legal.has(key(action, from, to))) continue;
          expect(canTransition(action, from, to), key(action, from, to)).toBe(false);
          refused++;
        }
      }
    }
    expect(refused).toBe(TICKET_ACTIONS.length * (TICKET_STATUSES.length + 1) * TICKET_STATUSES.length - legal.size);
  });

  it('explains a refusal in Chinese with a CONFLICT code', () => {
    expect(() => assertTransition('reply', 'dispatched', 'replied')).toThrow(/工单当前状态为「已派单」，不能执行「答复」/);
    try {
      assertTransition('dispatch', 'closed', 'dispatched');
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFLICT', details: { action: 'dispatch', status: 'closed' } });
    }
    // Final states lead nowhere except a supervisor's reopen of a closed ticket.
    for (const action of TICKET_ACTIONS) {
      for (const to of TICKET_STATUSES) {
        expect(canTransition(action, 'rejected', to)).toBe(false);
        expect(canTransition(action, 'merged', to)).toBe(false);
      }
    }
  });
});
