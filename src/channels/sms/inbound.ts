import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { addMessage, createConversation } from '../../conversations/index.ts';
import { type Context, newId, SYSTEM_ACTOR, toE164 } from '../../core/index.ts';
import { atomically, type Db, type Row } from '../../store/index.ts';
import { recordDeliveryStatus } from '../delivery.ts';
import { findEndpoint } from '../endpoints.ts';
import { DETECTABLE, detectLanguage } from '../language.ts';
import { type Concatenation, decodeSms, readUdh } from './alphabet.ts';
import { ascii, int, Status, type WirePdu } from './wire.ts';

/**
 * What Relais does with a deliver_sm: a delivery receipt updates the status of the
 * message it reports on; anything else is a customer's SMS (or one part of it). The
 * answer is the command_status of the deliver_sm_resp, sent only after this returns,
 * that is after the commit.
 */

/** TLV tags read on deliver_sm (SMPP 3.4 §5.3.2). */
const Tlv = {
  receiptedMessageId: 0x001e,
  sarReference: 0x020c,
  sarTotal: 0x020e,
  sarSeq: 0x020f,
  messagePayload: 0x0424,
  messageState: 0x0427,
} as const;

/**
 * Without an SMSC message id, a part delivered again is recognised by its fingerprint
 * (sender, endpoint, coding, concatenation and bytes) seen within this window. The
 * trade-off: the same text from the same number twice within the window (a customer
 * answering "Oui" to two questions in a row) is kept once; a redelivery later than the
 * window (the SMSC held it through a long outage) is kept twice. SMSCs redeliver after
 * their response timeout, seconds to minutes; fifteen minutes covers that and a rebind.
 */
export const REDELIVERY_WINDOW_MS = 15 * 60_000;

/** Parts of one long message arrive within minutes; older waiting parts belong to an earlier use of the reference. */
const ASSEMBLY_WINDOW_MS = 24 * 3_600_000;

/** A conversation by SMS continues while it is open, or for a week after it was resolved. */
const THREAD_DAYS = 7;

const LONGEST_TEXT = 200_000;

/** esm_class bits 2–5: the message type. 0x04: SMSC delivery receipt; 0x20: intermediate notification. */
const isReceipt = (esmClass: number) => (esmClass & 0x3c) === 0x04 || (esmClass & 0x3c) === 0x20;

const digitsOf = (address: string) =>
  /^\+?[0-9]{3,20}$/.test(address) ? address.replace(/^\+/, '') : undefined;

/** The SMS endpoint a deliver_sm is for: a short code or sender name as is, a number in E.164. */
async function endpointFor(db: Db, address: string, ton: number) {
  const digits = digitsOf(address);
  const candidates = [address];
  if (digits && (ton === 1 || address.startsWith('+') || digits.length > 8)) candidates.push(`+${digits}`);
  for (const candidate of candidates) {
    const found = await findEndpoint(db, 'sms', candidate);
    if (found) return found;
  }
  if (!digits) return undefined;
  // A number in national form: read it with each SMS endpoint's country.
  const numbers = await db
    .selectFrom('endpoints')
    .innerJoin('subsidiaries', 'subsidiaries.id', 'endpoints.subsidiary_id')
    .selectAll('endpoints')
    .select('subsidiaries.country')
    .where('endpoints.channel', '=', 'sms')
    .where('endpoints.active', '=', true)
    .where('endpoints.address', 'like', '+%')
    .execute();
  return numbers.find((e) => e.address === toE164(address, e.country));
}

/** The customer's number in E.164, read with the subsidiary's country when it is national. */
function customerNumber(address: string, ton: number, country: string): string | undefined {
  const digits = digitsOf(address);
  if (!digits) return undefined;
  if (ton === 1 || address.startsWith('+')) return toE164(`+${digits}`);
  return toE164(address, country) ?? (digits.length > 8 ? toE164(`+${digits}`) : undefined);
}

interface Received {
  endpoint: Row<'endpoints'>;
  sender: string;
  dataCoding: number;
  concatenation: Concatenation | undefined;
  body: Buffer;
  smscId: string | undefined;
}

type Refusal = { refuse: number; reason: string };

/** Read a customer's deliver_sm, or say why it is refused. */
async function readMessage(db: Db, pdu: WirePdu): Promise<Received | Refusal> {
  const destination = ascii(pdu.fields.destination_addr);
  const endpoint = await endpointFor(db, destination, int(pdu.fields.dest_addr_ton));
  if (!endpoint)
    return { refuse: Status.invalidDestinationAddress, reason: `${destination} is not an SMS endpoint` };
  const subsidiary = await db
    .selectFrom('subsidiaries')
    .select('country')
    .where('id', '=', endpoint.subsidiary_id)
    .executeTakeFirstOrThrow();
  const source = ascii(pdu.fields.source_addr);
  const sender = customerNumber(source, int(pdu.fields.source_addr_ton), subsidiary.country);
  if (!sender) return { refuse: Status.invalidSourceAddress, reason: `${source} is not a phone number` };

  const shortMessage = pdu.fields.short_message;
  let content = Buffer.isBuffer(shortMessage) && shortMessage.length > 0 ? shortMessage : undefined;
  content ??= pdu.tlvs.get(Tlv.messagePayload) ?? Buffer.alloc(0);
  let concatenation: Concatenation | undefined;
  let body = content;
  if (int(pdu.fields.esm_class) & 0x40) {
    const udh = readUdh(content);
    if (!udh)
      return { refuse: Status.invalidMessageLength, reason: 'the user data header overruns the message' };
    concatenation = udh.concatenation;
    body = Buffer.from(udh.body);
  } else if (pdu.tlvs.has(Tlv.sarTotal) && pdu.tlvs.has(Tlv.sarSeq) && pdu.tlvs.has(Tlv.sarReference)) {
    const read = (tag: number) => {
      const value = pdu.tlvs.get(tag) ?? Buffer.alloc(0);
      return value.length > 0 ? value.readUIntBE(0, Math.min(value.length, 2)) : 0;
    };
    concatenation = { reference: read(Tlv.sarReference), total: read(Tlv.sarTotal), seq: read(Tlv.sarSeq) };
  }
  if (concatenation && (concatenation.seq < 1 || concatenation.seq > concatenation.total)) {
    return {
      refuse: Status.invalidMessageLength,
      reason: `part ${concatenation.seq} of ${concatenation.total}`,
    };
  }
  if (concatenation?.total === 1) concatenation = undefined;
  const dataCoding = int(pdu.fields.data_coding);
  if (decodeSms(body, dataCoding) === undefined) {
    return {
      refuse: Status.permanentAppError,
      reason: `data_coding 0x${dataCoding.toString(16)} is not text`,
    };
  }
  const smscId = ascii(pdu.tlvs.get(Tlv.receiptedMessageId)) || undefined;
  return { endpoint, sender, dataCoding, concatenation, body, smscId };
}

/** How a part delivered again is recognised: the SMSC's id, else a hash of what it carries. */
function fingerprintOf(r: Received): string {
  if (r.smscId) return `id:${r.smscId}`;
  const c = r.concatenation;
  return createHash('sha256')
    .update(
      [r.endpoint.id, r.sender, r.dataCoding, c?.reference ?? '', c?.total ?? 1, c?.seq ?? 1].join('\u0000'),
    )
    .update('\u0000')
    .update(r.body)
    .digest('base64url');
}

/** Shown where a part of a long SMS never came. */
export const MISSING_PART = '[…]';

/**
 * The text of a message's parts in part order. Consecutive parts in one coding are
 * decoded together (a GSM escape may straddle two parts); a part that never came shows
 * as MISSING_PART.
 */
function textOf(parts: Array<{ seq: number; total: number; data_coding: number; body: string }>): string {
  const total = Math.max(1, ...parts.map((p) => p.total));
  const bySeq = new Map(parts.map((p) => [p.seq, p]));
  let text = '';
  let run: { coding: number; bytes: Buffer[] } | undefined;
  const flush = () => {
    if (run) text += decodeSms(Buffer.concat(run.bytes), run.coding) ?? '';
    run = undefined;
  };
  for (let seq = 1; seq <= total; seq++) {
    const part = bySeq.get(seq);
    if (!part) {
      flush();
      text += MISSING_PART;
      continue;
    }
    if (run && run.coding !== part.data_coding) flush();
    run ??= { coding: part.data_coding, bytes: [] };
    run.bytes.push(Buffer.from(part.body, 'base64'));
  }
  flush();
  return text;
}

/** How long the parts of a long SMS are waited for before what came is stored with gaps. */
export const PART_WAIT_MS = 60 * 60_000;

/**
 * Store the long SMS whose missing parts never came: after PART_WAIT_MS, the parts
 * that did arrive (acknowledged, so the SMSC will not send them again) become one
 * message with MISSING_PART where the others belong. Returns how many were stored.
 */
export async function storeIncompleteSms(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - PART_WAIT_MS);
  const groups = await db
    .selectFrom('sms_inbound_parts')
    .select(['subsidiary_id', 'endpoint_id', 'sender', 'reference', 'total'])
    .where('message_id', 'is', null)
    .where('received_at', '<', cutoff)
    .groupBy(['subsidiary_id', 'endpoint_id', 'sender', 'reference', 'total'])
    .limit(100)
    .execute();
  let stored = 0;
  for (const group of groups) {
    const done = await atomically(db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`sms:${group.subsidiary_id}:${group.sender}`}))`.execute(
        trx,
      );
      // Read again under the lock: another process may have stored them, or the last part came.
      const parts = await trx
        .selectFrom('sms_inbound_parts')
        .selectAll()
        .where('subsidiary_id', '=', group.subsidiary_id)
        .where('endpoint_id', '=', group.endpoint_id)
        .where('sender', '=', group.sender)
        .where('reference', group.reference === null ? 'is' : '=', group.reference)
        .where('total', '=', group.total)
        .where('message_id', 'is', null)
        .where('received_at', '<', cutoff)
        .orderBy('seq')
        .orderBy('received_at')
        .execute();
      if (parts.length === 0) return false;
      const bySeq = new Map<number, Row<'sms_inbound_parts'>>();
      for (const part of parts) if (!bySeq.has(part.seq)) bySeq.set(part.seq, part);
      const endpoint = await trx
        .selectFrom('endpoints')
        .selectAll()
        .where('id', '=', group.endpoint_id)
        .executeTakeFirstOrThrow();
      const message = await storeMessage(trx, endpoint, group.sender, [...bySeq.values()], now);
      await trx
        .updateTable('sms_inbound_parts')
        .set({ message_id: message.messageId })
        .where(
          'id',
          'in',
          parts.map((p) => p.id),
        )
        .execute();
      return true;
    });
    if (done) stored++;
  }
  return stored;
}

export type InboundResult =
  | { outcome: 'stored'; conversationId: string; messageId: string }
  | { outcome: 'part_kept' | 'duplicate' | 'receipt' | 'unknown_receipt' }
  | { outcome: 'refused'; reason: string };

/**
 * Take one deliver_sm: store it (or its part, or apply its receipt) and commit.
 * Returns the command_status for the deliver_sm_resp and what happened.
 */
export async function receiveDeliverSm(
  db: Db,
  pdu: WirePdu,
  now: Date,
): Promise<{ status: number; result: InboundResult }> {
  if (isReceipt(int(pdu.fields.esm_class))) return receiveReceipt(db, pdu);
  const read = await readMessage(db, pdu);
  if ('refuse' in read) return { status: read.refuse, result: { outcome: 'refused', reason: read.reason } };
  const fingerprint = fingerprintOf(read);
  const { endpoint, sender } = read;
  const result = await atomically(db, async (trx): Promise<InboundResult> => {
    // One customer's parts are taken one at a time, across processes.
    await sql`select pg_advisory_xact_lock(hashtext(${`sms:${endpoint.subsidiary_id}:${sender}`}))`.execute(
      trx,
    );
    const seen = await trx
      .selectFrom('sms_inbound_parts')
      .select('id')
      .where('subsidiary_id', '=', endpoint.subsidiary_id)
      .where('fingerprint', '=', fingerprint)
      .$if(!read.smscId, (q) => q.where('received_at', '>', new Date(now.getTime() - REDELIVERY_WINDOW_MS)))
      .executeTakeFirst();
    if (seen) return { outcome: 'duplicate' };
    const partId = newId();
    await trx
      .insertInto('sms_inbound_parts')
      .values({
        id: partId,
        subsidiary_id: endpoint.subsidiary_id,
        endpoint_id: endpoint.id,
        sender,
        reference: read.concatenation?.reference ?? null,
        total: read.concatenation?.total ?? 1,
        seq: read.concatenation?.seq ?? 1,
        data_coding: read.dataCoding,
        body: read.body.toString('base64'),
        pdu: pdu.bytes.toString('base64'),
        fingerprint,
        received_at: now,
      })
      .execute();
    let parts: Array<Row<'sms_inbound_parts'>>;
    if (read.concatenation) {
      const waiting = await trx
        .selectFrom('sms_inbound_parts')
        .selectAll()
        .where('subsidiary_id', '=', endpoint.subsidiary_id)
        .where('endpoint_id', '=', endpoint.id)
        .where('sender', '=', sender)
        .where('reference', '=', read.concatenation.reference)
        .where('total', '=', read.concatenation.total)
        .where('message_id', 'is', null)
        .where('received_at', '>', new Date(now.getTime() - ASSEMBLY_WINDOW_MS))
        .orderBy('seq')
        .orderBy('received_at')
        .execute();
      const bySeq = new Map<number, Row<'sms_inbound_parts'>>();
      for (const part of waiting) if (!bySeq.has(part.seq)) bySeq.set(part.seq, part);
      // The other parts are still on their way: this one is kept, and acknowledged.
      if (bySeq.size < read.concatenation.total) return { outcome: 'part_kept' };
      parts = [...bySeq.values()];
    } else {
      parts = await trx.selectFrom('sms_inbound_parts').selectAll().where('id', '=', partId).execute();
    }
    const stored = await storeMessage(trx, endpoint, sender, parts, now);
    await trx
      .updateTable('sms_inbound_parts')
      .set({ message_id: stored.messageId })
      .where(
        'id',
        'in',
        parts.map((p) => p.id),
      )
      .execute();
    return { outcome: 'stored', ...stored };
  });
  return { status: Status.ok, result };
}

/** Write a whole SMS: into the customer's running SMS conversation, or a new one. */
async function storeMessage(
  trx: Db,
  endpoint: Row<'endpoints'>,
  sender: string,
  parts: Array<Row<'sms_inbound_parts'>>,
  now: Date,
): Promise<{ conversationId: string; messageId: string }> {
  const first = parts[0] as Row<'sms_inbound_parts'>;
  const externalId = first.fingerprint.startsWith('id:') ? `smpp:${first.fingerprint}` : `smpp:${first.id}`;
  const ctx: Context = { actor: SYSTEM_ACTOR, requestId: externalId.slice(0, 64), now };
  const decoded = textOf(parts).replaceAll('\u0000', '').trim() || '(empty SMS)';
  const text = decoded.length > LONGEST_TEXT ? `${decoded.slice(0, LONGEST_TEXT)}…` : decoded;
  const context = await trx
    .selectFrom('subsidiaries')
    .select([
      'subsidiaries.languages',
      (eb) =>
        eb
          .selectFrom('customer_identities')
          .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
          .select('customers.id')
          .where('customer_identities.subsidiary_id', '=', endpoint.subsidiary_id)
          .where('customer_identities.kind', '=', 'phone')
          .where('customer_identities.value', '=', sender)
          .limit(1)
          .$asScalar()
          .as('customer_id'),
    ])
    .where('subsidiaries.id', '=', endpoint.subsidiary_id)
    .executeTakeFirstOrThrow();
  const known = context.customer_id
    ? await trx
        .selectFrom('customers')
        .select('language')
        .where('id', '=', context.customer_id)
        .executeTakeFirst()
    : undefined;
  // An SMS is short: the customer's known language weighs more than a few words.
  const language = detectLanguage(text, {
    candidates: [...context.languages, ...DETECTABLE],
    known: known?.language,
  }).language;
  const message = {
    direction: 'inbound' as const,
    channel: 'sms' as const,
    text,
    raw: JSON.stringify({
      pdus: parts.map((p) => p.pdu),
      encoding: 'base64',
      note: 'the deliver_sm PDUs as received, in part order',
    }),
    rawMediaType: 'application/json',
    attachments: [],
    language,
    externalId,
  };
  if (context.customer_id) {
    const running = await trx
      .selectFrom('conversations')
      .select(['id'])
      .where('subsidiary_id', '=', endpoint.subsidiary_id)
      .where('customer_id', '=', context.customer_id)
      .where(sql<boolean>`'sms' = any(channels)`)
      .where((eb) =>
        eb.or([
          eb('status', 'in', ['open', 'assigned', 'pending']),
          eb.and([
            eb('status', '=', 'resolved'),
            eb('last_message_at', '>', new Date(now.getTime() - THREAD_DAYS * 86_400_000)),
          ]),
        ]),
      )
      .orderBy('last_message_at', 'desc')
      .executeTakeFirst();
    if (running) {
      const added = await addMessage(trx, ctx, running.id, message);
      return { conversationId: running.id, messageId: added.message.id };
    }
  }
  const opened = await createConversation(trx, ctx, {
    subsidiaryId: endpoint.subsidiary_id,
    endpointId: endpoint.id,
    channel: 'sms',
    customer: { identity: { kind: 'phone', value: sender }, language },
    tier: 'level1',
    requiredSkills: [],
    priority: 'normal',
    language,
    message,
  });
  const stored = await trx
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', opened.conversation.id)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return { conversationId: opened.conversation.id, messageId: stored.id };
}

/** Receipt states (SMPP 3.4 §5.2.28 and appendix B) that end a message's journey. */
const FINAL_STATES: Record<string, 'delivered' | 'failed'> = {
  DELIVRD: 'delivered',
  EXPIRED: 'failed',
  DELETED: 'failed',
  UNDELIV: 'failed',
  REJECTD: 'failed',
};
const MESSAGE_STATES: Record<number, string> = {
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

/** The id and state a receipt reports: the TLVs when present, else the text "id:… stat:… err:…". */
export function readReceipt(
  pdu: WirePdu,
): { id: string; stat: string; error: string | undefined } | undefined {
  const shortMessage = pdu.fields.short_message;
  const text = Buffer.isBuffer(shortMessage) ? shortMessage.toString('latin1') : '';
  const id = ascii(pdu.tlvs.get(Tlv.receiptedMessageId)) || /\bid:\s*([^\s]+)/i.exec(text)?.[1];
  const state = pdu.tlvs.get(Tlv.messageState);
  const stat =
    (state && state.length > 0 ? MESSAGE_STATES[state.readUInt8(0)] : undefined) ??
    /\bstat:\s*([A-Z]+)/i.exec(text)?.[1]?.toUpperCase();
  if (!id || !stat) return undefined;
  return { id, stat, error: /\berr:\s*([0-9A-Za-z]+)/i.exec(text)?.[1] };
}

/**
 * The ways SMSCs write one message id: as given, and — since some answer submit_sm
 * in hexadecimal but write receipts in decimal, or the reverse — the other base.
 */
function idForms(id: string): string[] {
  const forms = new Set([id, id.toLowerCase(), id.toUpperCase()]);
  if (/^[0-9]{1,30}$/.test(id)) {
    const hex = BigInt(id).toString(16);
    forms.add(hex).add(hex.toUpperCase());
  }
  if (/^[0-9a-f]{1,24}$/i.test(id)) forms.add(BigInt(`0x${id}`).toString(10));
  return [...forms];
}

class NotYetSent extends Error {}

async function receiveReceipt(db: Db, pdu: WirePdu): Promise<{ status: number; result: InboundResult }> {
  const receipt = readReceipt(pdu);
  if (!receipt) {
    return {
      status: Status.permanentAppError,
      result: { outcome: 'refused', reason: 'a delivery receipt without id or stat' },
    };
  }
  const state = FINAL_STATES[receipt.stat];
  const detail = `${receipt.stat}${receipt.error && receipt.error !== '000' ? ` (error ${receipt.error})` : ''}`;
  try {
    const outcome = await atomically(db, async (trx): Promise<InboundResult['outcome']> => {
      const part = await trx
        .selectFrom('sms_outbound_parts')
        .innerJoin('messages', 'messages.id', 'sms_outbound_parts.message_id')
        .select([
          'sms_outbound_parts.message_id',
          'sms_outbound_parts.part',
          'sms_outbound_parts.state',
          'sms_outbound_parts.subsidiary_id',
          'messages.external_id',
          'messages.delivery_status',
        ])
        .where('sms_outbound_parts.smsc_message_id', 'in', idForms(receipt.id))
        .orderBy('sms_outbound_parts.created_at', 'desc')
        .forUpdate()
        .executeTakeFirst();
      // A receipt for a message Relais did not send (another system on the account): nothing to do.
      if (!part) return 'unknown_receipt';
      // The receipt came before the delivery worker recorded the send: ask the SMSC to deliver it again.
      if (part.delivery_status === 'queued' || !part.external_id) throw new NotYetSent();
      if (!state || part.state === state) return 'receipt';
      await trx
        .updateTable('sms_outbound_parts')
        .set({ state, detail })
        .where('message_id', '=', part.message_id)
        .where('part', '=', part.part)
        .execute();
      const parts = await trx
        .selectFrom('sms_outbound_parts')
        .select(['state'])
        .where('message_id', '=', part.message_id)
        .execute();
      const whole = parts.some((p) => p.state === 'failed')
        ? 'failed'
        : parts.every((p) => p.state === 'delivered')
          ? 'delivered'
          : undefined;
      if (whole) {
        await recordDeliveryStatus(trx, {
          channel: 'sms',
          externalId: part.external_id,
          subsidiaryId: part.subsidiary_id,
          status: whole,
          detail: parts.length > 1 ? `${detail}, ${parts.length} parts` : detail,
        });
      }
      return 'receipt';
    });
    return { status: Status.ok, result: { outcome } as InboundResult };
  } catch (error) {
    if (error instanceof NotYetSent) {
      return {
        status: Status.temporaryAppError,
        result: { outcome: 'refused', reason: 'the receipt came before the send was recorded' },
      };
    }
    throw error;
  }
}
