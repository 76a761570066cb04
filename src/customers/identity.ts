import { z } from 'zod';
import { invalid, toE164 } from '../core/index.ts';

export const IdentityKind = z.enum(['email', 'phone', 'whatsapp', 'facebook', 'instagram', 'x', 'chat']);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const IdentityInput = z
  .object({ kind: IdentityKind, value: z.string().trim().min(1).max(320) })
  .strict();
export type IdentityInput = z.infer<typeof IdentityInput>;

const email = z.email();

/**
 * The one stored form of an identity, so the same person is found again: emails in
 * lower case, phone numbers in E.164 read with the customer's country as the default.
 */
export function normaliseIdentity(
  input: IdentityInput,
  country: string | undefined,
  path: string,
): IdentityInput {
  switch (input.kind) {
    case 'email': {
      const value = input.value.toLowerCase();
      if (!email.safeParse(value).success) throw invalid(path, 'is not an email address');
      return { kind: 'email', value };
    }
    case 'phone':
    case 'whatsapp': {
      const value = toE164(input.value, country);
      if (!value) {
        const where = country ? ` for ${country}` : '';
        throw invalid(path, `is not a valid phone number${where} (E.164 such as +212612345678)`);
      }
      return { kind: input.kind, value };
    }
    default:
      if (/\s/.test(input.value)) throw invalid(path, 'must not contain spaces');
      return input;
  }
}

/**
 * The stored form of an identity when it can be known without the customer's country
 * (emails, social ids, numbers written with +), so a lookup can go with the first read.
 */
export function identityKey(input: IdentityInput): IdentityInput | undefined {
  if ((input.kind === 'phone' || input.kind === 'whatsapp') && !input.value.trim().startsWith('+'))
    return undefined;
  try {
    return normaliseIdentity(input, undefined, 'value');
  } catch {
    return undefined;
  }
}
