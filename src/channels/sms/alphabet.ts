/**
 * SMS text on the wire: the GSM 03.38 default alphabet (GSM-7) or UCS-2, single
 * messages and concatenated ones (3GPP TS 23.040 §9.2.3.24.1, the 8-bit reference
 * concatenation IE). Pure: bytes in, text out, and back.
 *
 * SMPP carries GSM-7 unpacked, one septet per octet (the SMSC packs it for the radio),
 * so a GSM-7 payload here is a list of septets 0x00–0x7F; an extension character is
 * two septets, escape 0x1B then its code.
 */

/** The basic character set, by septet value; 0x1B is the escape to the extension table. */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const ESCAPE = 0x1b;

/** The extension table: a character and the septet that follows the escape. */
const EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

const BASIC_CODE = new Map<string, number>();
for (let i = 0; i < BASIC.length; i++) if (i !== ESCAPE) BASIC_CODE.set(BASIC[i] as string, i);
const EXTENSION_CODE = new Map(EXTENSION);
const EXTENSION_CHAR = new Map(EXTENSION.map(([c, code]) => [code, c]));

/** SMPP data_coding values Relais writes and reads. */
export const DataCoding = { gsm7: 0x00, ascii: 0x01, latin1: 0x03, ucs2: 0x08 } as const;

/** Characters per message: a single SMS, and each part of a concatenated one (6 octets of UDH taken). */
export const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

/** Most parts a concatenated message can have (the count is one octet). */
export const MAX_PARTS = 255;

/** Whether every character of the text is in the GSM-7 basic set or its extension table. */
export function isGsm7(text: string): boolean {
  for (const c of text) if (!BASIC_CODE.has(c) && !EXTENSION_CODE.has(c)) return false;
  return true;
}

/** The septets of one character (one, or two for an extension character). */
function septetsOf(c: string): number[] {
  const basic = BASIC_CODE.get(c);
  if (basic !== undefined) return [basic];
  const extended = EXTENSION_CODE.get(c);
  if (extended !== undefined) return [ESCAPE, extended];
  throw new RangeError(`not a GSM-7 character: U+${c.codePointAt(0)?.toString(16).padStart(4, '0')}`);
}

/** GSM-7 text as unpacked septets. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const c of text) out.push(...septetsOf(c));
  return Buffer.from(out);
}

/** Unpacked septets as text; an escape to an unknown code shows the basic character, as the spec says. */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const code = (bytes[i] as number) & 0x7f;
    if (code === ESCAPE) {
      const next = bytes[i + 1];
      if (next === undefined) break;
      i++;
      text += EXTENSION_CHAR.get(next & 0x7f) ?? BASIC[next & 0x7f] ?? '';
      continue;
    }
    text += BASIC[code] ?? '';
  }
  return text;
}

/** The encoding an outbound text needs: GSM-7 when it can, UCS-2 (Arabic, Chinese, emoji…) otherwise. */
export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsPart {
  /** The user data (no UDH): unpacked septets for GSM-7, UTF-16BE for UCS-2. */
  payload: Buffer;
  /** The text this part carries. */
  text: string;
}

export interface SmsPlan {
  encoding: SmsEncoding;
  dataCoding: number;
  parts: SmsPart[];
}

/**
 * How a text goes out: its encoding, and its parts — one when it fits in a single SMS,
 * otherwise parts of at most 153 septets / 67 UCS-2 units. A part never ends inside
 * an escape pair or a surrogate pair.
 */
export function planSms(text: string): SmsPlan {
  const encoding: SmsEncoding = isGsm7(text) ? 'gsm7' : 'ucs2';
  const limit = LIMITS[encoding];
  const units = (c: string) => (encoding === 'gsm7' ? septetsOf(c).length : c.length);
  const chars = [...text];
  const total = chars.reduce((n, c) => n + units(c), 0);
  const groups: string[] = [];
  if (total <= limit.single) {
    groups.push(text);
  } else {
    let current = '';
    let used = 0;
    for (const c of chars) {
      const size = units(c);
      if (used + size > limit.part) {
        groups.push(current);
        current = '';
        used = 0;
      }
      current += c;
      used += size;
    }
    if (current) groups.push(current);
  }
  const encode = (t: string) => (encoding === 'gsm7' ? encodeGsm7(t) : encodeUcs2(t));
  return {
    encoding,
    dataCoding: encoding === 'gsm7' ? DataCoding.gsm7 : DataCoding.ucs2,
    parts: groups.map((t) => ({ text: t, payload: encode(t) })),
  };
}

/** UTF-16 big-endian: what UCS-2 carries; a surrogate pair travels as it is. */
export function encodeUcs2(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) out.writeUInt16BE(text.charCodeAt(i), i * 2);
  return out;
}

export function decodeUcs2(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    text += String.fromCharCode(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  }
  return text;
}

/** The concatenation header of part `seq` (1-based) of `total`, with an 8-bit reference. */
export function concatHeader(reference: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, seq]);
}

export interface Concatenation {
  reference: number;
  total: number;
  seq: number;
}

/**
 * Split a short_message that starts with a user data header: the concatenation it
 * names (IE 0x00 with an 8-bit reference, 0x08 with a 16-bit one), and the text bytes
 * after it. Undefined when the header does not fit in the message.
 */
export function readUdh(
  message: Uint8Array,
): { concatenation: Concatenation | undefined; body: Uint8Array } | undefined {
  const length = message[0];
  if (length === undefined || length + 1 > message.length) return undefined;
  let concatenation: Concatenation | undefined;
  let i = 1;
  while (i + 2 <= length + 1) {
    const ie = message[i] as number;
    const size = message[i + 1] as number;
    if (i + 2 + size > length + 1) return undefined;
    const at = i + 2;
    if (ie === 0x00 && size === 3) {
      concatenation = {
        reference: message[at] as number,
        total: message[at + 1] as number,
        seq: message[at + 2] as number,
      };
    } else if (ie === 0x08 && size === 4) {
      concatenation = {
        reference: ((message[at] as number) << 8) | (message[at + 1] as number),
        total: message[at + 2] as number,
        seq: message[at + 3] as number,
      };
    }
    i = at + size;
  }
  return { concatenation, body: message.subarray(length + 1) };
}

/**
 * The text of a message body by its SMPP data_coding: 0 GSM-7 (unpacked), 1 IA5/ASCII,
 * 3 Latin-1, 8 UCS-2, and the GSM 03.38 message-class group 0xF0–0xF3 (GSM-7).
 * Undefined for a coding Relais cannot read as text (binary, pictograms…) or a UCS-2
 * body with an odd number of octets.
 */
export function decodeSms(body: Uint8Array, dataCoding: number): string | undefined {
  if (dataCoding === DataCoding.gsm7 || (dataCoding & 0xfc) === 0xf0) return decodeGsm7(body);
  if (dataCoding === DataCoding.ascii)
    return Buffer.from(body)
      .toString('latin1')
      .replace(/[\x80-\xff]/g, '?');
  if (dataCoding === DataCoding.latin1) return Buffer.from(body).toString('latin1');
  if (dataCoding === DataCoding.ucs2) return body.length % 2 === 0 ? decodeUcs2(body) : undefined;
  return undefined;
}
