import { DomainError } from '../core/index.ts';

export const STATUSES = ['open', 'assigned', 'pending', 'resolved', 'closed'] as const;
export type ConversationStatus = (typeof STATUSES)[number];

/**
 * The lifecycle: open → assigned → pending → resolved → closed. Pending waits on the
 * customer; a resolved conversation reopens when the customer writes again; closed is final.
 */
const ALLOWED: Record<ConversationStatus, readonly ConversationStatus[]> = {
  open: ['assigned', 'pending', 'resolved'],
  assigned: ['open', 'pending', 'resolved'],
  pending: ['open', 'assigned', 'resolved'],
  resolved: ['open', 'assigned', 'closed'],
  closed: [],
};

export const canTransition = (from: ConversationStatus, to: ConversationStatus): boolean =>
  from === to || ALLOWED[from].includes(to);

export function assertTransition(from: ConversationStatus, to: ConversationStatus): void {
  if (!canTransition(from, to)) {
    const allowed = ALLOWED[from];
    throw new DomainError(
      'illegal_transition',
      `a ${from} conversation cannot become ${to}${allowed.length ? ` (it can become ${allowed.join(', ')})` : ' (closed is final)'}`,
      [{ path: 'status', message: `cannot change from ${from} to ${to}` }],
    );
  }
}
