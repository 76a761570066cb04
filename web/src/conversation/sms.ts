/**
 * How an SMS reply will travel, counted while the agent types: the GSM 03.38 default
 * alphabet (3GPP TS 23.038 §6.2.1) when every character is in it or its extension table,
 * else UCS-2. Single messages hold 160 septets or 70 UTF-16 units; the parts of a
 * concatenated one 153 or 67 (the user data header takes 6 octets, TS 23.040 §9.2.3.24.1).
 * Parts are cut as the server cuts them: never inside an escape pair or a surrogate pair.
 */

/** The basic character set, by septet value (0x1B, the escape, is not a character). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: each costs two septets (the escape, then its code). */
const EXTENSION = '\f^{}\\[~]|€';

const BASIC_SET = new Set([...BASIC].filter((c) => c !== '\u001b'));
const EXTENSION_SET = new Set(EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

/** Units per message: a single SMS, and each part of a concatenated one. */
export const SMS_LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export interface SmsCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7, an extension character counts 2) or UTF-16 code units (UCS-2). */
  units: number;
  /** SMS messages the text goes out as; 0 for no text. */
  segments: number;
  /** Units a segment holds at this length: the single limit, or the part limit once it is split. */
  perSegment: number;
  /** Units left before another segment is needed. */
  remaining: number;
  /** The characters outside GSM-7 that force UCS-2, each once, in order of appearance. */
  unicode: string[];
}

/** Whether a character (one code point) is in the GSM-7 default alphabet or its extension table. */
export function isGsm7Char(c: string): boolean {
  return BASIC_SET.has(c) || EXTENSION_SET.has(c);
}

/** The septets of one GSM-7 character. */
const septets = (c: string): number => (EXTENSION_SET.has(c) ? 2 : 1);

/** Parts of at most `limit` units, a character never split across two; and what the last one holds. */
function parts(sizes: number[], limit: number): { count: number; last: number } {
  let count = 1;
  let last = 0;
  for (const size of sizes) {
    if (last + size > limit) {
      count++;
      last = 0;
    }
    last += size;
  }
  return { count, last };
}

/** Encoding, length and segments of an SMS text. */
export function countSms(text: string): SmsCount {
  const chars = [...text];
  const unicode = [...new Set(chars.filter((c) => !isGsm7Char(c)))];
  const encoding: SmsEncoding = unicode.length === 0 ? 'gsm7' : 'ucs2';
  const sizes = chars.map((c) => (encoding === 'gsm7' ? septets(c) : c.length));
  const units = sizes.reduce((n, s) => n + s, 0);
  const limit = SMS_LIMITS[encoding];
  if (units === 0)
    return { encoding, units, segments: 0, perSegment: limit.single, remaining: limit.single, unicode };
  if (units <= limit.single)
    return {
      encoding,
      units,
      segments: 1,
      perSegment: limit.single,
      remaining: limit.single - units,
      unicode,
    };
  const { count, last } = parts(sizes, limit.part);
  return { encoding, units, segments: count, perSegment: limit.part, remaining: limit.part - last, unicode };
}

/**
 * A character as an agent can read it in a list: itself, or its code point when it
 * cannot be seen (a no-break space, a zero-width joiner, a control character).
 */
export function visibleForm(c: string): string {
  if (/^[\p{Z}\p{C}]$/u.test(c) || /\p{M}/u.test(c))
    return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return c;
}
