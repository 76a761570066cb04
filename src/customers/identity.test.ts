import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/index.ts';
import { normaliseIdentity } from './identity.ts';

describe('normaliseIdentity', () => {
  it('puts national phone numbers in E.164 with the customer country', () => {
    expect(normaliseIdentity({ kind: 'phone', value: '06 12 34 56 78' }, 'FR', 'p')).toEqual({
      kind: 'phone',
      value: '+33612345678',
    });
    expect(normaliseIdentity({ kind: 'whatsapp', value: '0612-345678' }, 'MA', 'p').value).toBe(
      '+212612345678',
    );
    expect(normaliseIdentity({ kind: 'phone', value: '+221 77 123 45 67' }, 'FR', 'p').value).toBe(
      '+221771234567',
    );
  });

  it('refuses numbers that are not valid for the country, naming the field', () => {
    try {
      normaliseIdentity({ kind: 'phone', value: '12345' }, 'FR', 'identities.0.value');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).issues[0]?.path).toBe('identities.0.value');
    }
  });

  it('lower-cases emails and refuses what is not one', () => {
    expect(normaliseIdentity({ kind: 'email', value: 'Amina.Diallo@Example.SN' }, 'SN', 'e').value).toBe(
      'amina.diallo@example.sn',
    );
    expect(() => normaliseIdentity({ kind: 'email', value: 'not-an-email' }, 'SN', 'e')).toThrow(DomainError);
  });
});
