import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatHeader,
  decodeGsm7,
  decodeSms,
  decodeUcs2,
  encodeGsm7,
  isGsm7,
  LIMITS,
  planSms,
  readUdh,
} from './alphabet.ts';

const GSM_CHARS = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ...'\f^{}\\[~]|€',
];
const gsmText = fc.array(fc.constantFrom(...GSM_CHARS), { maxLength: 700 }).map((a) => a.join(''));
// Any text, astral characters (emoji) included.
const anyText = fc.string({ unit: 'grapheme', maxLength: 400 });

/** What a phone does with the parts: decode each and join them in order. */
const reassemble = (plan: ReturnType<typeof planSms>) =>
  plan.parts.map((p) => (plan.encoding === 'gsm7' ? decodeGsm7(p.payload) : decodeUcs2(p.payload))).join('');

describe('SMS alphabets', () => {
  it('writes GSM-7 as unpacked septets, extension characters behind the escape', () => {
    expect([...encodeGsm7('A@€{')]).toEqual([0x41, 0x00, 0x1b, 0x65, 0x1b, 0x28]);
    expect(decodeGsm7(Buffer.from([0x48, 0x1b, 0x65, 0x0d]))).toBe('H€\r');
  });

  it('chooses GSM-7 for French and English, UCS-2 for Arabic, Chinese and emoji', () => {
    expect(planSms('Votre facture est disponible : 42,50 € [réf. A-17]').encoding).toBe('gsm7');
    expect(planSms('مرحبا، هل يمكنني المساعدة؟').encoding).toBe('ucs2');
    expect(planSms('您的账单已经准备好了').encoding).toBe('ucs2');
    expect(planSms('Merci 🙂').encoding).toBe('ucs2');
    // ê is not in GSM 03.38: a French text with it goes as UCS-2.
    expect(planSms('Votre facture est prête').encoding).toBe('ucs2');
    // ç is not in GSM 03.38 (only Ç is): the whole message goes as UCS-2.
    expect(isGsm7('Ça va')).toBe(true);
    expect(isGsm7('ça va')).toBe(false);
  });

  it('keeps a single SMS whole up to 160 septets or 70 UCS-2 units, and splits beyond', () => {
    expect(planSms('a'.repeat(160)).parts).toHaveLength(1);
    expect(planSms('a'.repeat(161)).parts.map((p) => p.payload.length)).toEqual([153, 8]);
    // An extension character counts two septets.
    expect(planSms('€'.repeat(80)).parts).toHaveLength(1);
    expect(planSms('€'.repeat(81)).parts).toHaveLength(2);
    expect(planSms('ب'.repeat(70)).parts).toHaveLength(1);
    expect(planSms('ب'.repeat(71)).parts.map((p) => p.payload.length / 2)).toEqual([67, 4]);
  });

  it('never cuts an emoji (a surrogate pair) between two parts', () => {
    const plan = planSms(`${'ب'.repeat(66)}🙂🙂x`);
    expect(plan.parts.map((p) => p.text)).toEqual([`${'ب'.repeat(66)}`, '🙂🙂x']);
  });

  it('round-trips every GSM-7 text, and each part is within its limit', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        expect(decodeGsm7(encodeGsm7(text))).toBe(text);
        const plan = planSms(text);
        expect(plan.encoding).toBe('gsm7');
        const limit = plan.parts.length === 1 ? LIMITS.gsm7.single : LIMITS.gsm7.part;
        for (const part of plan.parts) {
          expect(part.payload.length).toBeLessThanOrEqual(limit);
          // No part ends on a lone escape.
          expect(part.payload.at(-1)).not.toBe(0x1b);
        }
        expect(reassemble(plan)).toBe(text);
      }),
    );
  });

  it('round-trips any text through its plan: the parts joined are the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const plan = planSms(text);
        const limits = LIMITS[plan.encoding];
        const limit = plan.parts.length === 1 ? limits.single : limits.part;
        const unit = plan.encoding === 'gsm7' ? 1 : 2;
        for (const part of plan.parts) {
          expect(part.payload.length / unit).toBeLessThanOrEqual(limit);
          // No lone surrogate: a pair is never cut.
          expect(
            /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(part.text),
          ).toBe(false);
        }
        expect(plan.parts.map((p) => p.text).join('')).toBe(text);
        expect(reassemble(plan)).toBe(text);
      }),
    );
  });

  it('reads the concatenation header, with an 8-bit or a 16-bit reference', () => {
    const body = Buffer.from('abc');
    const read = readUdh(Buffer.concat([concatHeader(200, 3, 2), body]));
    expect(read?.concatenation).toEqual({ reference: 200, total: 3, seq: 2 });
    expect(Buffer.from(read?.body ?? []).toString()).toBe('abc');
    const sixteen = Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01, 0x41]);
    expect(readUdh(sixteen)?.concatenation).toEqual({ reference: 0x1234, total: 2, seq: 1 });
    // A header longer than the message is refused.
    expect(readUdh(Buffer.from([0x09, 0x00, 0x03, 1]))).toBeUndefined();
  });

  it('decodes by data_coding, and refuses what is not text', () => {
    expect(decodeSms(encodeGsm7('Bonjour'), 0)).toBe('Bonjour');
    expect(decodeSms(Buffer.from('Olá', 'latin1'), 3)).toBe('Olá');
    expect(decodeSms(Buffer.from([0x06, 0x45, 0x06, 0x31]), 8)).toBe('مر');
    expect(decodeSms(Buffer.from([0x06, 0x45, 0x06]), 8)).toBeUndefined();
    expect(decodeSms(Buffer.from([1, 2, 3]), 4)).toBeUndefined();
  });
});
