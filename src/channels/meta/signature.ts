import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-f]{64})$/i;

/**
 * Whether `X-Hub-Signature-256` is Meta's HMAC-SHA256 of these exact bytes with the app
 * secret. Compared in constant time, on the raw body: nothing is parsed before this says yes.
 */
export function isSignedByMeta(body: Buffer, header: string | undefined, appSecret: string): boolean {
  const given = header ? HEADER.exec(header.trim())?.[1] : undefined;
  if (!given) return false;
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** The header Meta would send with this body: for tests and tools that play Meta's part. */
export function metaSignature(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}
