import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Actor, type Permission, permissionsOf, type Role, type Scope } from '../core/index.ts';
import type { Db, Row } from '../store/index.ts';

/**
 * Who a request is: a signed-in person (session cookie) or an integration (API key in
 * `Authorization: Bearer`). Secrets are stored only as SHA-256 hashes; they are long
 * random tokens, so a slow hash adds nothing.
 */

export const SESSION_COOKIE = 'relais_session';
export const CSRF_COOKIE = 'relais_csrf';
const API_KEY_PATTERN = /^rk_([a-z0-9]{12})\.([A-Za-z0-9_-]{43})$/;

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export const randomToken = (): string => randomBytes(32).toString('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function scopeOf(row: {
  scope_kind: string;
  subsidiary_id: string | null;
  site_id: string | null;
}): Scope {
  if (row.scope_kind === 'subsidiary' && row.subsidiary_id)
    return { kind: 'subsidiary', subsidiaryId: row.subsidiary_id };
  if (row.scope_kind === 'site' && row.site_id) return { kind: 'site', siteId: row.site_id };
  return { kind: 'group' };
}

export interface Authenticated {
  actor: Actor;
  csrfToken?: string;
  /** For API keys: the stored hash the presented secret must match. */
  secretHash?: string;
}

// A short cache spares a query per request on the hot path; sign-out and revocation
// clear it in this process, other processes follow within the TTL.
const CACHE_TTL_MS = 5_000;
const cache = new Map<string, { value: Authenticated | undefined; until: number }>();

function cached(key: string, now: number): Authenticated | undefined | null {
  const hit = cache.get(key);
  if (!hit || hit.until < now) return null;
  return hit.value;
}

function remember(key: string, value: Authenticated | undefined, now: number): void {
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { value, until: now + CACHE_TTL_MS });
}

export const forgetCredential = (key: string): boolean => cache.delete(key);

/** Forget every cached sign-in of a person (deactivated, password changed) in this process. */
export function forgetUser(userId: string): void {
  for (const [key, entry] of cache) {
    if (entry.value?.actor.kind === 'user' && entry.value.actor.id === userId) cache.delete(key);
  }
}

async function actorForUser(db: Db, user: Row<'users'>): Promise<Actor> {
  const agent = await db.selectFrom('agents').select('id').where('user_id', '=', user.id).executeTakeFirst();
  return {
    kind: 'user',
    id: user.id,
    role: user.role,
    scope: scopeOf(user),
    permissions: new Set(permissionsOf(user.role)),
    ...(agent ? { agentId: agent.id } : {}),
  };
}

/** The actor behind a session cookie, if the session is live and the user active. */
export async function authenticateSession(
  db: Db,
  token: string,
  now: Date,
): Promise<Authenticated | undefined> {
  const key = `s:${token}`;
  const hit = cached(key, now.getTime());
  if (hit !== null) return hit;
  const session = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', sha256(token))
    .executeTakeFirst();
  let result: Authenticated | undefined;
  if (session?.active && session.expires_at > now) {
    result = { actor: await actorForUser(db, session), csrfToken: session.csrf_token };
  }
  remember(key, result, now.getTime());
  return result;
}

/** Start a session for a user: the cookie token (never stored) and its CSRF token. */
export async function startSession(
  db: Db,
  userId: string,
  now: Date,
  hours: number,
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  await db
    .insertInto('sessions')
    .values({ id_hash: sha256(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return { token, csrfToken, expiresAt };
}

export async function endSession(db: Db, token: string): Promise<void> {
  forgetCredential(`s:${token}`);
  await db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
}

/** The actor behind an API key: its own permissions, never more than its role allows. */
export async function authenticateApiKey(
  db: Db,
  bearer: string,
  now: Date,
): Promise<Authenticated | undefined> {
  const match = API_KEY_PATTERN.exec(bearer);
  if (!match?.[1] || !match[2]) return undefined;
  const [, prefix, secret] = match;
  const key = `k:${prefix}`;
  let hit = cached(key, now.getTime());
  if (hit === null) {
    const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
    hit = undefined;
    if (row && row.revoked_at === null) {
      const role = row.role as Role;
      const allowed = new Set<Permission>(permissionsOf(role));
      hit = {
        actor: {
          kind: 'api_key',
          id: row.id,
          role,
          scope: scopeOf(row),
          permissions: new Set(row.permissions.filter((p): p is Permission => allowed.has(p as Permission))),
        },
        secretHash: row.secret_hash,
      };
      await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    remember(key, hit, now.getTime());
  }
  if (!hit?.secretHash || !sameSecret(hit.secretHash, sha256(secret))) return undefined;
  return hit;
}

/** A new API key's token, shown once: `rk_<prefix>.<secret>`; only the secret's hash is stored. */
export function newApiKeyToken(): { token: string; prefix: string; secretHash: string } {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const prefix = Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { token: `rk_${prefix}.${secret}`, prefix, secretHash: sha256(secret) };
}
