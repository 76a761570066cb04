import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { sql } from 'kysely';
import { z } from 'zod';
import { type Context, notFound } from '../../core/index.ts';
import { type Db, type FileStore, type Row, visibleEndpoints } from '../../store/index.ts';
import { ingestEmail } from './ingest.ts';

/** The IMAP mailbox an email endpoint polls; its password is the endpoint's secret. */
export const ImapSettings = z
  .object({
    host: z.string().trim().min(1).max(255).describe('the IMAP server'),
    port: z.number().int().min(1).max(65535).default(993),
    secure: z
      .boolean()
      .default(true)
      .describe('TLS from the first byte (port 993); false: plain, upgraded by STARTTLS when offered'),
    user: z.string().min(1).max(320).describe('the login; the password is the endpoint secret'),
    mailbox: z.string().min(1).max(200).default('INBOX').describe('the folder to take mail from'),
    pollSeconds: z.number().int().min(5).max(86_400).default(60),
    afterIngest: z
      .enum(['seen', 'move'])
      .default('seen')
      .describe('once stored, a message is flagged \\Seen; move: then also moved to moveTo'),
    moveTo: z.string().min(1).max(200).optional().describe('the folder stored mail is moved to'),
  })
  .strict()
  .refine((s) => s.afterIngest !== 'move' || s.moveTo !== undefined, {
    path: ['moveTo'],
    message: "is required when afterIngest is 'move'",
  });
export type ImapSettings = z.infer<typeof ImapSettings>;

/** What an operator sees of a polled mailbox. */
export const ImapStatus = z.object({
  endpointId: z.uuid(),
  uidValidity: z.number().nullable().describe("the mailbox's UIDVALIDITY at the last poll"),
  lastUid: z.number().describe('the last message UID stored; the next poll starts after it'),
  lastPolledAt: z.iso.datetime().nullable().describe('the last poll that went through'),
  nextPollAt: z.iso.datetime().nullable(),
  consecutiveFailures: z.number().int().describe('0 when the last poll went through'),
  lastError: z.string().nullable().describe('why the last failed poll failed (login, network, folder…)'),
  lastErrorAt: z.iso.datetime().nullable(),
  lastRefusal: z
    .string()
    .nullable()
    .describe(
      'the last message left in the mailbox unread because it could not be taken (no sender, too large)',
    ),
});
export type ImapStatus = z.infer<typeof ImapStatus>;

export interface PollLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ImapPollOptions {
  now: () => Date;
  /** Larger messages are left in the mailbox (the SMTP intake's limit). */
  maxBytes: number;
  log: PollLog;
  /** Who holds the lease: one id per process. */
  owner: string;
}

/** What one poll of one mailbox did. */
export interface PollResult {
  endpointId: string;
  ingested: number;
  /** Fetched again but already stored (same Message-ID): nothing written. */
  duplicates: number;
  refused: number;
  error?: string;
}

// A poll renews its lease after every message; a process that died loses it after this.
const LEASE_MS = 10 * 60_000;
const BATCH = 200;
const LONGEST_BACKOFF_S = 3600;
// Mailboxes polled at once by one process.
const PARALLEL = 8;

const hasImap = sql<boolean>`endpoints.settings -> 'imap' is not null`;

/** The one line an operator reads: what failed and, for a server's refusal, what it said. */
function describe(error: unknown): string {
  const e = error as {
    authenticationFailed?: boolean;
    responseText?: string;
    code?: string;
    message?: string;
  };
  const text = e.authenticationFailed
    ? `authentication failed${e.responseText ? `: ${e.responseText}` : ''}`
    : e.responseText
      ? `${e.message ?? 'the server refused'}: ${e.responseText}`
      : e.code && !e.message?.includes(e.code)
        ? `${e.code}: ${e.message ?? ''}`
        : (e.message ?? String(error));
  return text.slice(0, 1000);
}

const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/** Take the due mailboxes this process may poll: a lease, so two processes never poll one mailbox at once. */
async function claimDue(db: Db, options: ImapPollOptions): Promise<Array<Row<'imap_cursors'>>> {
  await db
    .insertInto('imap_cursors')
    .columns(['endpoint_id'])
    .expression((eb) =>
      eb
        .selectFrom('endpoints')
        .select('endpoints.id')
        .where('endpoints.channel', '=', 'email')
        .where(hasImap),
    )
    .onConflict((oc) => oc.column('endpoint_id').doNothing())
    .execute();
  const now = options.now();
  return (
    db
      .updateTable('imap_cursors')
      .set({ leased_by: options.owner, leased_until: new Date(now.getTime() + LEASE_MS) })
      .where('endpoint_id', 'in', (eb) =>
        eb
          .selectFrom('imap_cursors as c')
          .innerJoin('endpoints', 'endpoints.id', 'c.endpoint_id')
          .select('c.endpoint_id')
          .where('endpoints.active', '=', true)
          .where('endpoints.channel', '=', 'email')
          .where(hasImap)
          .where('c.next_poll_at', '<=', now)
          .where((w) => w.or([w('c.leased_until', 'is', null), w('c.leased_until', '<', now)]))
          .orderBy('c.next_poll_at')
          .limit(PARALLEL)
          .forUpdate('c')
          .skipLocked(),
      )
      // Checked again on the row itself: of two processes, the second finds the lease taken.
      .where((w) => w.or([w('leased_until', 'is', null), w('leased_until', '<', now)]))
      .returningAll()
      .execute()
  );
}

/** Poll one mailbox: every message after the cursor goes through the same intake as SMTP mail. */
async function pollMailbox(
  db: Db,
  files: FileStore,
  options: ImapPollOptions,
  endpoint: Row<'endpoints'>,
  cursor: Row<'imap_cursors'>,
  /** Counted as it goes: a poll that fails half-way still tells what it stored. */
  result: PollResult,
): Promise<{ more: boolean; settings: ImapSettings }> {
  const settings = ImapSettings.parse(endpoint.settings.imap);
  let more = false;
  if (!endpoint.secret) throw new Error("no password: set the endpoint's secret");
  const mine = db
    .updateTable('imap_cursors')
    .where('endpoint_id', '=', endpoint.id)
    .where('leased_by', '=', options.owner);
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: endpoint.secret },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  });
  // Failures surface through the command that was running; the event alone must not end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(settings.mailbox);
    try {
      const validity = client.mailbox ? Number(client.mailbox.uidValidity) : 0;
      let last = cursor.last_uid;
      if (cursor.uid_validity !== validity) {
        // A new mailbox, or its UIDs were renumbered: start over. What was stored before
        // comes again with the same Message-ID and is recognised.
        last = 0;
        await mine.set({ uid_validity: validity, last_uid: 0 }).execute();
      }
      const found = (await client.search({ uid: `${last + 1}:*` }, { uid: true })) || [];
      // "n:*" also names the last message when n is past it.
      const waiting = found.filter((uid) => uid > last).sort((a, b) => a - b);
      const batch = waiting.slice(0, BATCH);
      more = waiting.length > batch.length;
      const sizes = new Map<number, number>();
      if (batch.length > 0) {
        for (const m of await client.fetchAll(batch.join(','), { uid: true, size: true }, { uid: true }))
          sizes.set(m.uid, m.size ?? 0);
      }
      for (const uid of batch) {
        const size = sizes.get(uid);
        if (size === undefined) continue; // expunged meanwhile
        let refusal: string | undefined;
        if (size > options.maxBytes) {
          refusal = `UID ${uid}: ${size} bytes, over the limit of ${options.maxBytes}`;
        } else {
          const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
          if (!message || !message.source) continue; // expunged meanwhile
          try {
            const stored = await ingestEmail(db, files, endpoint, message.source, options.now());
            if (stored.created) result.ingested += 1;
            else result.duplicates += 1;
          } catch (error) {
            if ((error as { code?: string }).code !== 'validation_failed') throw error;
            refusal = `UID ${uid}: ${(error as Error).message}`;
          }
        }
        // Committed. A crash from here until the cursor moves makes the next poll fetch this
        // message again; its Message-ID is stored, so ingestEmail recognises it and writes nothing.
        await mine
          .set({
            last_uid: uid,
            leased_until: new Date(options.now().getTime() + LEASE_MS),
            ...(refusal ? { last_refusal: refusal.slice(0, 1000) } : {}),
          })
          .execute();
        if (refusal) {
          // Left unread in the mailbox for a person to look at.
          result.refused += 1;
          options.log.warn({ endpointId: endpoint.id, uid }, `IMAP message not taken: ${refusal}`);
          continue;
        }
        // Read, for the people who also look at this mailbox; then out of the way, if asked.
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        if (settings.afterIngest === 'move' && settings.moveTo) {
          await client.messageMove(String(uid), settings.moveTo, { uid: true });
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { more, settings };
}

/**
 * One round: every due IMAP mailbox this process can lease is polled, its new mail taken
 * in, and the next poll scheduled — after a failure, later each time (up to an hour).
 */
export async function pollDueMailboxes(
  db: Db,
  files: FileStore,
  options: ImapPollOptions,
): Promise<PollResult[]> {
  const claimed = await claimDue(db, options);
  return Promise.all(
    claimed.map(async (cursor): Promise<PollResult> => {
      const endpoint = await db
        .selectFrom('endpoints')
        .selectAll()
        .where('id', '=', cursor.endpoint_id)
        .executeTakeFirstOrThrow();
      const release = db
        .updateTable('imap_cursors')
        .where('endpoint_id', '=', cursor.endpoint_id)
        .where('leased_by', '=', options.owner);
      const result: PollResult = { endpointId: endpoint.id, ingested: 0, duplicates: 0, refused: 0 };
      try {
        const { more, settings } = await pollMailbox(db, files, options, endpoint, cursor, result);
        const now = options.now();
        await release
          .set({
            leased_by: null,
            leased_until: null,
            failures: 0,
            last_polled_at: now,
            next_poll_at: more ? now : later(now, settings.pollSeconds),
          })
          .execute();
        return result;
      } catch (error) {
        const message = describe(error);
        const now = options.now();
        const every = ImapSettings.safeParse(endpoint.settings.imap).data?.pollSeconds ?? 60;
        const wait = Math.min(every * 2 ** cursor.failures, LONGEST_BACKOFF_S);
        options.log.error(
          { endpointId: endpoint.id, err: error, retryInSeconds: wait },
          `IMAP poll failed: ${message}`,
        );
        await release
          .set((eb) => ({
            leased_by: null,
            leased_until: null,
            failures: eb('failures', '+', 1),
            last_error: message,
            last_error_at: now,
            next_poll_at: later(now, wait),
          }))
          .execute();
        return { ...result, error: message };
      }
    }),
  );
}

export interface ImapPoller {
  /** Run a round now (after the one under way, if any). */
  pollNow(): Promise<PollResult[]>;
  /** Finish the round under way and poll no more. */
  stop(): Promise<void>;
}

/** Poll the IMAP mailboxes of every active email endpoint that has them, every few seconds, until stopped. */
export function startImapPoller(
  db: Db,
  files: FileStore,
  options: Omit<ImapPollOptions, 'owner'> & { tickMs?: number },
): ImapPoller {
  const round = { ...options, owner: randomUUID() };
  const tickMs = options.tickMs ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PollResult[]> = Promise.resolve([]);
  const run = (): Promise<PollResult[]> => {
    running = running
      .catch(() => [])
      .then(() => pollDueMailboxes(db, files, round))
      .catch((error: unknown) => {
        options.log.error({ err: error }, 'IMAP polling round failed');
        return [];
      });
    return running;
  };
  const tick = () => {
    void run().then(() => {
      if (!stopped) timer = setTimeout(tick, tickMs);
    });
  };
  timer = setTimeout(tick, 0);
  return {
    pollNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}

/** Where polling a mailbox stands, for the endpoint's own administrators and readers. */
export async function getImapStatus(db: Db, ctx: Context, endpointId: string): Promise<ImapStatus> {
  const row = await visibleEndpoints(db, ctx.actor)
    .leftJoin('imap_cursors', 'imap_cursors.endpoint_id', 'endpoints.id')
    .select([
      'endpoints.id',
      'endpoints.settings',
      'imap_cursors.uid_validity',
      'imap_cursors.last_uid',
      'imap_cursors.last_polled_at',
      'imap_cursors.next_poll_at',
      'imap_cursors.failures',
      'imap_cursors.last_error',
      'imap_cursors.last_error_at',
      'imap_cursors.last_refusal',
    ])
    .where('endpoints.id', '=', endpointId)
    .where('endpoints.channel', '=', 'email')
    .executeTakeFirst();
  if (!row || row.settings.imap === undefined) throw notFound('IMAP mailbox', endpointId);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    endpointId: row.id,
    uidValidity: row.uid_validity ?? null,
    lastUid: row.last_uid ?? 0,
    lastPolledAt: iso(row.last_polled_at),
    // Never polled yet: due at once.
    nextPollAt: row.next_poll_at && row.next_poll_at.getTime() > 0 ? iso(row.next_poll_at) : null,
    consecutiveFailures: row.failures ?? 0,
    lastError: row.last_error,
    lastErrorAt: iso(row.last_error_at),
    lastRefusal: row.last_refusal,
  };
}
