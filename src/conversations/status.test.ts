import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import { assertTransition, canTransition, STATUSES } from './status.ts';

describe('conversation status lifecycle', () => {
  it('follows the documented path and reopens a resolved conversation', () => {
    expect(canTransition('open', 'assigned')).toBe(true);
    expect(canTransition('assigned', 'pending')).toBe(true);
    expect(canTransition('pending', 'resolved')).toBe(true);
    expect(canTransition('resolved', 'open')).toBe(true);
    expect(canTransition('resolved', 'closed')).toBe(true);
  });

  it('never leaves closed and never closes what is not resolved', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...STATUSES), (from, to) => {
        if (from === 'closed' && to !== 'closed') expect(canTransition(from, to)).toBe(false);
        if (to === 'closed' && from !== 'resolved' && from !== 'closed')
          expect(canTransition(from, to)).toBe(false);
      }),
    );
  });

  it('names the field and the allowed moves when refusing', () => {
    try {
      assertTransition('open', 'closed');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('illegal_transition');
      expect((error as DomainError).message).toContain('assigned, pending, resolved');
      expect((error as DomainError).issues[0]?.path).toBe('status');
    }
  });
});
