import { describe, expect, it } from 'vitest';
import { visitorLabel, visitorNumber } from './visitor-label.ts';

describe("an anonymous chat visitor's label", () => {
  const id = '019a9c4e-7f3a-7b21-8c4d-5e6f7a8b12d5';

  it("is a word in the widget's language and a short number", () => {
    const n = visitorNumber(id);
    expect(visitorLabel(id, 'fr')).toBe(`Visiteur ${n}`);
    expect(visitorLabel(id, 'en')).toBe(`Visitor ${n}`);
    expect(visitorLabel(id, 'ar')).toBe(`زائر ${n}`);
    expect(visitorLabel(id, 'mg')).toBe(`Mpitsidika ${n}`);
    expect(visitorLabel(id, 'zh-Hans')).toBe(`访客 ${n}`);
    expect(visitorLabel(id, 'fr-SN')).toBe(`Visiteur ${n}`);
  });

  it('falls back to English for a language it has no word for', () => {
    expect(visitorLabel(id, 'tlh')).toBe(`Visitor ${visitorNumber(id)}`);
  });

  it('keeps the same number for the same visitor, four digits, and tells visitors apart', () => {
    expect(visitorNumber(id)).toBe(visitorNumber(id));
    // Its last eight hex digits: 0x7a8b12d5 = 2,055,934,677, which is 1,677 mod 9,000.
    expect(visitorNumber(id)).toBe(1000 + 1677);
    const numbers = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const n = visitorNumber(`019a9c4e-7f3a-7b21-8c4d-${(k * 7919).toString(16).padStart(12, '0')}`);
      expect(n).toBeGreaterThanOrEqual(1000);
      expect(n).toBeLessThanOrEqual(9999);
      numbers.add(n);
    }
    expect(numbers.size).toBe(200);
    expect(visitorLabel(id, 'fr')).not.toContain(id);
  });
});
