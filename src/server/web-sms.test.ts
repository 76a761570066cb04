import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// The web app is not a module of src/: it is loaded as the browser loads it, by its path.
const { countSms, isGsm7Char, visibleForm } = await import('../../web/src/conversation/sms.ts');

/** Every character of the GSM 03.38 default alphabet and its extension table. */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '\f^{}\\[~]|€';

describe('the SMS counter of the composer', () => {
  it('counts nothing for no text', () => {
    expect(countSms('')).toMatchObject({ encoding: 'gsm7', units: 0, segments: 0, unicode: [] });
  });

  it('fits 160 GSM-7 characters in one SMS, and splits at 153 per part beyond', () => {
    expect(countSms('a'.repeat(160))).toMatchObject({
      encoding: 'gsm7',
      units: 160,
      segments: 1,
      remaining: 0,
    });
    expect(countSms('a'.repeat(161))).toMatchObject({ units: 161, segments: 2, perSegment: 153 });
    expect(countSms('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSms('a'.repeat(307))).toMatchObject({ segments: 3, remaining: 152 });
    expect(countSms('a'.repeat(459)).segments).toBe(3);
    expect(countSms('a'.repeat(460)).segments).toBe(4);
  });

  it('counts each character of the extension table twice: ^ { } [ ] ~ \\ | € and form feed', () => {
    expect(countSms('€')).toMatchObject({ encoding: 'gsm7', units: 2, segments: 1 });
    for (const c of EXTENSION) expect(countSms(c).units, JSON.stringify(c)).toBe(2);
    // 159 letters and a euro sign: 161 septets, two SMS.
    expect(countSms(`${'a'.repeat(158)}€`)).toMatchObject({ units: 160, segments: 1 });
    expect(countSms(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('never cuts an escape pair: a euro sign that would straddle two parts opens the next', () => {
    // 152 letters, then € (septets 153–154), then letters: the € moves to part two.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSms(text).units).toBe(306);
    expect(countSms(text).segments).toBe(3);
    // The same septets without the straddle fit in two parts.
    expect(countSms(`€${'a'.repeat(304)}`).segments).toBe(2);
  });

  it('knows the whole default alphabet as GSM-7, one septet each, and nothing else', () => {
    for (const c of BASIC) {
      expect(isGsm7Char(c), JSON.stringify(c)).toBe(true);
      expect(countSms(c).units).toBe(1);
    }
    expect(countSms(BASIC).encoding).toBe('gsm7');
    // The escape code itself is not a character one can send.
    expect(isGsm7Char('\u001b')).toBe(false);
    for (const c of 'êâîôûÀÈçáíóú`’«»—') expect(isGsm7Char(c), c).toBe(false);
  });

  it('keeps "é" in GSM-7 but "ê" forces UCS-2, and names it', () => {
    expect(countSms('Votre facture est réglée')).toMatchObject({ encoding: 'gsm7', unicode: [] });
    const count = countSms('Votre facture est prête');
    expect(count).toMatchObject({ encoding: 'ucs2', units: 23, segments: 1, perSegment: 70 });
    expect(count.unicode).toEqual(['ê']);
  });

  it('names each character that forces UCS-2 once, in the order they appear', () => {
    expect(countSms('Ça coûte 10 € — merci “beaucoup” ê ê').unicode).toEqual(['û', '—', '“', '”', 'ê']);
    expect(countSms('L’abonnement').unicode).toEqual(['’']);
  });

  it('fits 70 UCS-2 units in one SMS, and splits at 67 per part beyond', () => {
    expect(countSms('ê'.repeat(70))).toMatchObject({
      encoding: 'ucs2',
      units: 70,
      segments: 1,
      remaining: 0,
    });
    expect(countSms('ê'.repeat(71))).toMatchObject({ units: 71, segments: 2, perSegment: 67 });
    expect(countSms('ê'.repeat(134)).segments).toBe(2);
    expect(countSms('ê'.repeat(135)).segments).toBe(3);
    // Arabic and Chinese are UCS-2 throughout.
    expect(countSms('مرحبا، هل يمكنني المساعدة؟')).toMatchObject({
      encoding: 'ucs2',
      units: 26,
      segments: 1,
    });
    expect(countSms('您的账单已经准备好了')).toMatchObject({ encoding: 'ucs2', units: 10 });
  });

  it('counts an emoji as two UTF-16 units, and never cuts its surrogate pair', () => {
    expect(countSms('🙂')).toMatchObject({ encoding: 'ucs2', units: 2, segments: 1, unicode: ['🙂'] });
    expect(countSms(`${'a'.repeat(68)}🙂`)).toMatchObject({ units: 70, segments: 1 });
    expect(countSms(`${'a'.repeat(69)}🙂`)).toMatchObject({ units: 71, segments: 2 });
    // 66 units, then the pair (67–68): it opens part two rather than being cut.
    const straddle = `${'a'.repeat(66)}🙂${'a'.repeat(66)}`;
    expect(countSms(straddle).units).toBe(134);
    expect(countSms(straddle).segments).toBe(3);
    expect(countSms(`🙂${'a'.repeat(132)}`).segments).toBe(2);
  });

  it('turns back to GSM-7 once the last character outside it is gone', () => {
    expect(countSms('Merci 🙂').encoding).toBe('ucs2');
    expect(countSms('Merci :)').encoding).toBe('gsm7');
  });

  it('agrees with the sum of its parts for any text: no part over its limit, no part wasted', () => {
    const alphabet = fc.constantFrom(...'aé€[ê🙂 ', '\n', 'ب');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 700 }), (chars) => {
        const text = chars.join('');
        const count = countSms(text);
        const limit = count.encoding === 'gsm7' ? { single: 160, part: 153 } : { single: 70, part: 67 };
        if (count.units <= limit.single) {
          expect(count.segments).toBe(count.units === 0 ? 0 : 1);
          return;
        }
        // At least as many parts as the units need, at most one more per pair that could straddle.
        expect(count.segments).toBeGreaterThanOrEqual(Math.ceil(count.units / limit.part));
        expect(count.segments).toBeLessThanOrEqual(Math.ceil(count.units / (limit.part - 1)));
        expect(count.remaining).toBeGreaterThanOrEqual(0);
        expect(count.remaining).toBeLessThan(limit.part);
      }),
    );
  });

  it('shows a character one cannot see by its code point', () => {
    expect(visibleForm('ê')).toBe('ê');
    expect(visibleForm('\u00a0')).toBe('U+00A0');
    expect(visibleForm('\u200d')).toBe('U+200D');
    expect(visibleForm('\u0301')).toBe('U+0301');
    expect(visibleForm('🙂')).toBe('🙂');
  });
});
