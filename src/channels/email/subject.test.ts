import { describe, expect, it } from 'vitest';
import { normaliseSubject } from './subject.ts';

describe('normaliseSubject', () => {
  it('removes reply and forward prefixes of many mail programs, repeated', () => {
    const base = 'facture de novembre';
    for (const subject of [
      'Facture de novembre',
      'RE: Facture de novembre',
      'Re: RE: Facture  de novembre',
      'TR: Facture de novembre',
      'AW: WG: Facture de novembre',
      'Réf. : Facture de novembre',
      'RE[2]: Facture de novembre',
      'Fwd: Re: Facture de novembre',
      'رد: Facture de novembre',
      '回复：Facture de novembre',
    ]) {
      expect(normaliseSubject(subject), subject).toBe(base);
    }
  });

  it('keeps words that only start like a prefix', () => {
    expect(normaliseSubject('Reset: my password')).toBe('reset: my password');
    expect(normaliseSubject('Travaux: coupure')).toBe('travaux: coupure');
    expect(normaliseSubject(undefined)).toBe('');
  });
});
