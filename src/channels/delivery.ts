import { sql } from 'kysely';
import type { Channel } from '../core/index.ts';
import type { Db, Row } from '../store/index.ts';

/**
 * Outbound delivery, the same for every channel. An agent's reply is stored `queued`;
 * a worker claims due messages from the store, hands each to its channel's sender,
 * and keeps the account: tries, the last error, a retry later (the delay doubling each
 * time), a dead letter after MAX_ATTEMPTS (status `failed`, shown on its
 * conversation), and every step in `delivery_events`. Channels only send.
 */

/** Everything a channel needs to send one message. */
export interface Outbound {
  message: Row<'messages'>;
  conversation: Row<'conversations'>;
  /** The address the reply leaves from: the conversation's endpoint, else the subsidiary's first on the channel. */
  endpoint: Row<'endpoints'>;
  /** The customer's identities, oldest first. */
  identities: Array<{ kind: string; value: string }>;
}

export interface ChannelSender {
  /**
   * Send one message; resolve with the id the channel gave it (a Message-ID, an SMSC
   * message id, a Graph API id) or null. Throw PermanentFailure when trying again
   * cannot help, any other error to be tried again later.
   */
  send(out: Outbound): Promise<{ externalId: string | null }>;
}

export type Senders = Partial<Record<Channel, ChannelSender>>;

/** Retrying cannot help (no address to send to, the channel refused the content): fail now. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

/**
 * The channel cannot be reached at all just now (no bind to the SMSC): the message
 * waits and is offered again a minute later, without using up a try, however long
 * the outage. Its error says why it waits.
 */
export class ChannelUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelUnavailable';
  }
}

/** How long a message waits for an unavailable channel before it is offered again. */
export const UNAVAILABLE_WAIT_MS = 60_000;

/** Tries before an outbound message becomes a dead letter. */
export const MAX_ATTEMPTS = 8;

/** How long a claimed message is left to its sender before another worker may take it. */
const LEASE_MS = 120_000;

/** Wait after the n-th failed try: 30 s, 1 min, 2 min … at most an hour (8 tries span about an hour). */
export const retryDelayMs = (failedTries: number): number =>
  Math.min(30_000 * 2 ** Math.max(0, failedTries - 1), 3_600_000);

export type DeliveryOutcome = 'sent' | 'retry' | 'waiting' | 'failed' | 'skipped';

async function record(db: Db, messageId: string, status: string, detail: string | null): Promise<void> {
  await db.insertInto('delivery_events').values({ message_id: messageId, status, detail }).execute();
}

/**
 * Try one queued message now. Returns what happened; 'skipped' when it is not (or no
 * longer) a queued outbound message, or its channel has no sender in this process.
 */
export async function deliverMessage(
  db: Db,
  senders: Senders,
  messageId: string,
  now: Date = new Date(),
): Promise<DeliveryOutcome> {
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message || message.direction !== 'outbound' || message.delivery_status !== 'queued') return 'skipped';
  const sender = senders[message.channel as Channel];
  if (!sender) return 'skipped';
  const conversation = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', message.conversation_id)
    .executeTakeFirstOrThrow();
  const endpoint = await db
    .selectFrom('endpoints')
    .selectAll()
    .where('subsidiary_id', '=', message.subsidiary_id)
    .where('channel', '=', message.channel as Channel)
    .where('active', '=', true)
    .$if(conversation.endpoint_id !== null && conversation.channel === message.channel, (q) =>
      q.where('id', '=', conversation.endpoint_id ?? ''),
    )
    .orderBy('id')
    .executeTakeFirst();
  const identities = await db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('customer_id', '=', conversation.customer_id)
    .orderBy('id')
    .execute();

  const attempts = message.delivery_attempts + 1;
  const fail = async (reason: string): Promise<'failed'> => {
    await db
      .updateTable('messages')
      .set({
        delivery_status: 'failed',
        delivery_error: reason,
        delivery_attempts: attempts,
        next_attempt_at: null,
      })
      .where('id', '=', messageId)
      .execute();
    await record(db, messageId, 'failed', reason);
    return 'failed';
  };
  if (!endpoint) return fail(`the subsidiary has no active ${message.channel} endpoint to send from`);

  let externalId: string | null;
  try {
    ({ externalId } = await sender.send({ message, conversation, endpoint, identities }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof ChannelUnavailable) {
      await db
        .updateTable('messages')
        .set({ delivery_error: reason, next_attempt_at: new Date(now.getTime() + UNAVAILABLE_WAIT_MS) })
        .where('id', '=', messageId)
        .execute();
      if (message.delivery_error !== reason) await record(db, messageId, 'waiting', reason);
      return 'waiting';
    }
    if (error instanceof PermanentFailure || attempts >= MAX_ATTEMPTS) return fail(reason);
    await db
      .updateTable('messages')
      .set({
        delivery_error: reason,
        delivery_attempts: attempts,
        next_attempt_at: new Date(now.getTime() + retryDelayMs(attempts)),
      })
      .where('id', '=', messageId)
      .execute();
    await record(db, messageId, 'retry', reason);
    return 'retry';
  }
  await db
    .updateTable('messages')
    .set({
      delivery_status: 'sent',
      external_id: externalId ?? message.external_id,
      delivery_error: null,
      delivery_attempts: attempts,
      next_attempt_at: null,
    })
    .where('id', '=', messageId)
    .where('delivery_status', '=', 'queued')
    .execute();
  await record(db, messageId, 'sent', null);
  return 'sent';
}

/**
 * Claim the due queued messages of the channels this process can send, and try each.
 * The claim pushes a message's next try past the lease, so another worker (another
 * process on the same PostgreSQL) skips it; a worker that dies mid-send leaves the
 * message to be tried again when the lease ends. Returns how many were tried.
 */
export async function deliverDue(db: Db, senders: Senders, now: Date, limit = 50): Promise<number> {
  const channels = Object.keys(senders) as Channel[];
  if (channels.length === 0) return 0;
  const claimed = await db
    .updateTable('messages')
    .set({ next_attempt_at: new Date(now.getTime() + LEASE_MS) })
    .where(
      'id',
      'in',
      db
        .selectFrom('messages')
        .select('id')
        .where('delivery_status', '=', 'queued')
        .where('direction', '=', 'outbound')
        .where('channel', 'in', channels)
        .where(sql<Date>`coalesce(next_attempt_at, created_at)`, '<=', now)
        .orderBy(sql`coalesce(next_attempt_at, created_at)`)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .execute();
  for (const { id } of claimed) await deliverMessage(db, senders, id, now);
  return claimed.length;
}

/**
 * Run delivery in the background: now and then, and at once when kicked (a reply was
 * queued). Errors go to `onError`; the loop goes on.
 */
export function startDelivery(
  db: Db,
  senders: Senders,
  options: { now?: () => Date; onError?: (error: unknown) => void; pollMs?: number } = {},
): { kick(): void; stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 5_000;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          while (!stopped && (await deliverDue(db, senders, now())) > 0) {
            // keep going while there is due work
          }
        } catch (error) {
          options.onError?.(error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(run, pollMs);
  timer.unref();
  run();
  return {
    kick: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 };

/**
 * A channel reports what became of a message it sent (a delivery receipt, a read
 * status). Statuses only move forward (sent → delivered → read); failed is kept
 * unless the message was already read. Returns false when no message has that id.
 */
export async function recordDeliveryStatus(
  db: Db,
  report: {
    channel: Channel;
    externalId: string;
    status: 'delivered' | 'read' | 'failed';
    detail?: string | null;
    subsidiaryId?: string;
  },
): Promise<boolean> {
  const message = await db
    .selectFrom('messages')
    .select(['id', 'delivery_status'])
    .where('channel', '=', report.channel)
    .where('external_id', '=', report.externalId)
    .where('direction', '=', 'outbound')
    .$if(report.subsidiaryId !== undefined, (q) => q.where('subsidiary_id', '=', report.subsidiaryId ?? ''))
    .executeTakeFirst();
  if (!message) return false;
  const current = message.delivery_status;
  const moves =
    report.status === 'failed'
      ? current !== 'read' && current !== 'failed'
      : (RANK[report.status] ?? 0) > (RANK[current] ?? 0);
  if (moves) {
    await db
      .updateTable('messages')
      .set({
        delivery_status: report.status,
        ...(report.status === 'failed' ? { delivery_error: report.detail ?? 'failed' } : {}),
      })
      .where('id', '=', message.id)
      .execute();
  }
  await record(db, message.id, report.status, report.detail ?? null);
  return true;
}
