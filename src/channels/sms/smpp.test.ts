import smpp from 'smpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMessage, getConversation } from '../../conversations/index.ts';
import { type Context, newId, SYSTEM_ACTOR } from '../../core/index.ts';
import type { Store } from '../../store/index.ts';
import {
  createFixture,
  deliver,
  type Fixture,
  freshStore,
  rowCounts,
  sentToSmsc,
  startSmsc,
  type TestSmsc,
} from '../../testing/index.ts';
import { deliverMessage } from '../delivery.ts';
import { encodeGsm7, encodeUcs2 } from './alphabet.ts';
import { MISSING_PART, PART_WAIT_MS, storeIncompleteSms } from './inbound.ts';
import { type SmsChannel, startSms } from './service.ts';

const ENDPOINT_MA = '+212522000000';
const SHORT_CODE_FR = '36180';
const CUSTOMER_MA = '212661234567';
const CUSTOMER_FR = '0698765432';

let store: Store;
let fixture: Fixture;
let smsc: TestSmsc;
let sms: SmsChannel;
const ctx = (): Context => ({ actor: SYSTEM_ACTOR, now: new Date() });

beforeAll(async () => {
  store = await freshStore();
  fixture = await createFixture(store.db);
  await store.db
    .insertInto('endpoints')
    .values([
      {
        id: newId(),
        subsidiary_id: fixture.subsidiaries.ma.id,
        channel: 'sms',
        address: ENDPOINT_MA,
        name: 'SMS Maroc',
      },
      {
        id: newId(),
        subsidiary_id: fixture.subsidiaries.fr.id,
        channel: 'sms',
        address: SHORT_CODE_FR,
        name: 'SMS France',
      },
    ])
    .execute();
  smsc = await startSmsc();
  sms = startSms(store.db, {
    url: `smpp://relais:s3cret@127.0.0.1:${smsc.port}`,
    window: 2,
    throughput: 500,
    reconnect: { initialMs: 20, maxMs: 200 },
    now: () => new Date(),
  });
  await sms.client.whenBound();
});

afterAll(async () => {
  await sms?.stop();
  await smsc?.close();
  await store?.close();
});

async function messagesFrom(number: string) {
  return store.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('customer_identities', 'customer_identities.customer_id', 'conversations.customer_id')
    .select([
      'messages.id',
      'messages.text',
      'messages.language',
      'messages.conversation_id',
      'conversations.subsidiary_id',
    ])
    .where('customer_identities.value', '=', number)
    .where('messages.direction', '=', 'inbound')
    .orderBy('messages.id')
    .execute();
}

/** Part `seq` of `total` of a concatenated UCS-2 SMS, as a phone sends it. */
const ucs2Part = (reference: number, total: number, seq: number, text: string) =>
  Buffer.concat([Buffer.from([0x05, 0x00, 0x03, reference, total, seq]), encodeUcs2(text)]);

const ARABIC_1 = 'السلام عليكم، لا يعمل الإنترنت في منزلي منذ يوم أمس في الدار البيضاء. ';
const ARABIC_2 = 'هل يمكنكم مساعدتي من فضلكم؟ شكرا جزيلا.';

describe('SMS over SMPP', () => {
  it('binds to the SMSC as a transceiver with its system id and password', async () => {
    const [bind] = await sentToSmsc(smsc, (p) => p.command === 'bind_transceiver');
    expect(bind?.system_id).toBe('relais');
    expect(bind?.password).toBe('s3cret');
    expect(bind?.interface_version).toBe(0x34);
  });

  it('a two-part Arabic UCS-2 SMS becomes one message, stored once even when a part comes again, and the reply goes back in two UCS-2 parts', async () => {
    const session = smsc.session();
    const base = {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: CUSTOMER_MA,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: ENDPOINT_MA.slice(1),
      esm_class: 0x40,
      data_coding: 0x08,
    };
    // The second part first: the order parts arrive in does not matter.
    const second = await deliver(session, { ...base, short_message: ucs2Part(42, 2, 2, ARABIC_2) });
    expect(second.command_status).toBe(0);
    expect(await messagesFrom(`+${CUSTOMER_MA}`)).toHaveLength(0);
    const first = await deliver(session, { ...base, short_message: ucs2Part(42, 2, 1, ARABIC_1) });
    expect(first.command_status).toBe(0);
    const stored = await messagesFrom(`+${CUSTOMER_MA}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.text).toBe((ARABIC_1 + ARABIC_2).trim());
    expect(stored[0]?.language).toBe('ar');
    expect(stored[0]?.subsidiary_id).toBe(fixture.subsidiaries.ma.id);

    // The SMSC missed our response and delivers the first part again: acknowledged, not stored.
    const before = await rowCounts(store.db);
    const again = await deliver(session, { ...base, short_message: ucs2Part(42, 2, 1, ARABIC_1) });
    expect(again.command_status).toBe(0);
    expect(await rowCounts(store.db)).toEqual(before);

    // The agent answers in Arabic, longer than one UCS-2 SMS.
    const reply =
      'شكرا لرسالتك. فريقنا التقني يعمل على إصلاح العطل في حيكم، وسنرسل لك رسالة عندما يعود الإنترنت.';
    expect(reply.length).toBeGreaterThan(70);
    const conversationId = stored[0]?.conversation_id as string;
    const queued = await addMessage(store.db, ctx(), conversationId, {
      direction: 'outbound',
      text: reply,
      attachments: [],
    });
    const outcome = await deliverMessage(store.db, { sms: sms.sender }, queued.message.id);
    expect(outcome).toBe('sent');
    const submits = smsc.received.filter((p) => p.command === 'submit_sm');
    expect(submits).toHaveLength(2);
    for (const [i, submit] of submits.entries()) {
      expect(submit.data_coding).toBe(0x08);
      expect((submit.esm_class as number) & 0x40).toBe(0x40);
      expect(submit.registered_delivery).toBe(1);
      expect(submit.source_addr).toBe(ENDPOINT_MA.slice(1));
      expect(submit.destination_addr).toBe(CUSTOMER_MA);
      // The library's own reading: one concatenation IE, same reference, 2 parts, this one's number.
      const { udh } = submit.short_message as { udh: Buffer[]; message: string };
      expect([...(udh[0] as Buffer)].slice(0, 2)).toEqual([0x00, 0x03]);
      expect(udh[0]?.[3]).toBe(2);
      expect(udh[0]?.[4]).toBe(i + 1);
    }
    const references = submits.map((s) => (s.short_message as { udh: Buffer[] }).udh[0]?.[2]);
    expect(new Set(references).size).toBe(1);
    expect(submits.map((s) => (s.short_message as { message: string }).message).join('')).toBe(reply);

    // Receipts for both parts: the message is delivered.
    const sent = await store.db
      .selectFrom('sms_outbound_parts')
      .selectAll()
      .where('message_id', '=', queued.message.id)
      .orderBy('part')
      .execute();
    expect(sent.map((p) => p.part)).toEqual([1, 2]);
    for (const [i, part] of sent.entries()) {
      const receipt = await deliver(session, {
        source_addr_ton: 1,
        source_addr: CUSTOMER_MA,
        destination_addr: ENDPOINT_MA.slice(1),
        esm_class: 0x04,
        short_message: Buffer.from(
          `id:${part.smsc_message_id} sub:001 dlvrd:001 submit date:2611231015 done date:2611231016 stat:DELIVRD err:000 text:`,
        ),
      });
      expect(receipt.command_status).toBe(0);
      const message = await store.db
        .selectFrom('messages')
        .select('delivery_status')
        .where('id', '=', queued.message.id)
        .executeTakeFirstOrThrow();
      expect(message.delivery_status).toBe(i === 0 ? 'sent' : 'delivered');
    }
    const conversation = await getConversation(store.db, ctx(), conversationId);
    expect(conversation.messages.map((m) => m.deliveryStatus)).toEqual(['received', 'delivered']);
  });

  it('a plain GSM-7 SMS to a short code, from a number in national form, opens a conversation of the French subsidiary', async () => {
    const response = await deliver(smsc.session(), {
      source_addr_ton: 2,
      source_addr: CUSTOMER_FR,
      dest_addr_ton: 3,
      destination_addr: SHORT_CODE_FR,
      data_coding: 0,
      short_message: encodeGsm7('Bonjour, ma box ne capte plus depuis ce matin. Merci de me rappeler !'),
    });
    expect(response.command_status).toBe(0);
    const stored = await messagesFrom('+33698765432');
    expect(stored.map((m) => m.text)).toEqual([
      'Bonjour, ma box ne capte plus depuis ce matin. Merci de me rappeler !',
    ]);
    expect(stored[0]?.subsidiary_id).toBe(fixture.subsidiaries.fr.id);
    expect(stored[0]?.language).toBe('fr');
  });

  it('a failure receipt (receipted_message_id and message_state TLVs) fails the message', async () => {
    const [conversation] = await messagesFrom('+33698765432');
    const queued = await addMessage(store.db, ctx(), conversation?.conversation_id as string, {
      direction: 'outbound',
      text: 'Un technicien vous appelle demain entre 9h et 11h.',
      attachments: [],
    });
    expect(await deliverMessage(store.db, { sms: sms.sender }, queued.message.id)).toBe('sent');
    const [submit] = smsc.received.filter((p) => p.command === 'submit_sm').slice(-1);
    expect(submit?.data_coding).toBe(0);
    expect(submit?.source_addr).toBe(SHORT_CODE_FR);
    expect(submit?.destination_addr).toBe('33698765432');
    const part = await store.db
      .selectFrom('sms_outbound_parts')
      .select('smsc_message_id')
      .where('message_id', '=', queued.message.id)
      .executeTakeFirstOrThrow();
    const receipt = await deliver(smsc.session(), {
      source_addr: '33698765432',
      destination_addr: SHORT_CODE_FR,
      esm_class: 0x04,
      receipted_message_id: part.smsc_message_id,
      message_state: 5,
      short_message: Buffer.alloc(0),
    });
    expect(receipt.command_status).toBe(0);
    const message = await store.db
      .selectFrom('messages')
      .select(['delivery_status', 'delivery_error'])
      .where('id', '=', queued.message.id)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ delivery_status: 'failed', delivery_error: 'UNDELIV' });
  });

  it('a PDU whose command_length disagrees with its body is refused with generic_nack, nothing is stored, and the next PDU on the connection is taken', async () => {
    const session = smsc.session();
    const pduBytes = (sequence: number, text: string) =>
      new smpp.PDU('deliver_sm', {
        sequence_number: sequence,
        source_addr_ton: 1,
        source_addr: CUSTOMER_MA,
        destination_addr: ENDPOINT_MA.slice(1),
        data_coding: 0,
        short_message: encodeGsm7(text),
      }).toBuffer();
    const withLength = (bytes: Buffer, length: number) => {
      const copy = Buffer.from(bytes);
      copy.writeUInt32BE(length, 0);
      return copy;
    };
    const bad = [
      // Says ten octets fewer than it carries: short_message runs past the end.
      (seq: number) => {
        const bytes = pduBytes(seq, 'NOT STORED: too short a length');
        return withLength(bytes, bytes.length - 10);
      },
      // Says ten octets more: it would swallow the start of the next PDU.
      (seq: number) => {
        const bytes = pduBytes(seq, 'NOT STORED: too long a length');
        return withLength(bytes, bytes.length + 10);
      },
      // Shorter than a PDU header.
      (seq: number) => withLength(pduBytes(seq, 'NOT STORED: shorter than a header'), 8),
    ];
    const before = await rowCounts(store.db);
    for (const [i, make] of bad.entries()) {
      const badSeq = 9000 + i * 2;
      const goodSeq = badSeq + 1;
      // One write: the SMSC does not wait for an answer before sending the next PDU.
      session.socket.write(
        Buffer.concat([make(badSeq), pduBytes(goodSeq, `Message valide numero ${i + 1}`)]),
      );
      const [nack] = await sentToSmsc(
        smsc,
        (p) => p.command === 'generic_nack' && p.sequence_number === badSeq,
      );
      expect(nack?.command_status).toBe(0x02);
      const [resp] = await sentToSmsc(
        smsc,
        (p) => p.command === 'deliver_sm_resp' && p.sequence_number === goodSeq,
      );
      expect(resp?.command_status).toBe(0);
    }
    const stored = await messagesFrom(`+${CUSTOMER_MA}`);
    expect(
      stored.map((m) => m.text).filter((t) => t.startsWith('Message valide') || t.startsWith('NOT STORED')),
    ).toEqual(['Message valide numero 1', 'Message valide numero 2', 'Message valide numero 3']);
    const after = await rowCounts(store.db);
    expect(after.sms_inbound_parts).toBe((before.sms_inbound_parts ?? 0) + 3);
  });

  it('refuses an SMS to a number that is not an SMS endpoint, and one from a sender that is not a phone number, storing nothing', async () => {
    const before = await rowCounts(store.db);
    const unknown = await deliver(smsc.session(), {
      source_addr_ton: 1,
      source_addr: CUSTOMER_MA,
      destination_addr: '99999',
      short_message: encodeGsm7('Hello?'),
    });
    expect(unknown.command_status).toBe(0x0b);
    const alphanumeric = await deliver(smsc.session(), {
      source_addr_ton: 5,
      source_addr: 'PROMO',
      destination_addr: SHORT_CODE_FR,
      short_message: encodeGsm7('Hello?'),
    });
    expect(alphanumeric.command_status).toBe(0x0a);
    expect(await rowCounts(store.db)).toEqual(before);
  });

  it('keeps the window: no more submit_sm awaiting an answer than allowed', async () => {
    const [conversation] = await messagesFrom('+33698765432');
    // Six GSM-7 parts, with a window of two.
    const text = 'Votre ligne est rétablie. '.repeat(35);
    const queued = await addMessage(store.db, ctx(), conversation?.conversation_id as string, {
      direction: 'outbound',
      text,
      attachments: [],
    });
    smsc.maxOutstanding = 0;
    smsc.holdSubmits = true;
    const before = smsc.received.filter((p) => p.command === 'submit_sm').length;
    const sending = deliverMessage(store.db, { sms: sms.sender }, queued.message.id);
    for (let sent = 2; sent <= 6; sent += 2) {
      await sentToSmsc(smsc, (p) => p.command === 'submit_sm', before + sent);
      expect(smsc.held).toHaveLength(2);
      smsc.release();
    }
    expect(await sending).toBe('sent');
    smsc.holdSubmits = false;
    expect(smsc.maxOutstanding).toBe(2);
    const parts = smsc.received.filter((p) => p.command === 'submit_sm').slice(before);
    expect(parts).toHaveLength(6);
    expect(parts.map((p) => (p.short_message as { message: string }).message).join('')).toBe(text);
  });

  it('a long SMS whose last part never comes is stored after an hour with a gap, not lost', async () => {
    const customer = '212662000111';
    const response = await deliver(smsc.session(), {
      source_addr_ton: 1,
      source_addr: customer,
      destination_addr: ENDPOINT_MA.slice(1),
      esm_class: 0x40,
      data_coding: 0x08,
      short_message: ucs2Part(7, 3, 1, 'الجزء الأول من رسالة طويلة '),
    });
    expect(response.command_status).toBe(0);
    expect(await messagesFrom(`+${customer}`)).toHaveLength(0);
    // Not yet: the other parts may still come.
    expect(await storeIncompleteSms(store.db, new Date())).toBe(0);
    const later = new Date(Date.now() + PART_WAIT_MS + 60_000);
    expect(await storeIncompleteSms(store.db, later)).toBe(1);
    const stored = await messagesFrom(`+${customer}`);
    expect(stored.map((m) => m.text)).toEqual([`الجزء الأول من رسالة طويلة ${MISSING_PART}${MISSING_PART}`]);
    // Stored once: looking again finds nothing left.
    expect(await storeIncompleteSms(store.db, later)).toBe(0);
  });

  it('a receipt that comes before the send is recorded asks the SMSC to try again later', async () => {
    const [conversation] = await messagesFrom('+33698765432');
    const queued = await addMessage(store.db, ctx(), conversation?.conversation_id as string, {
      direction: 'outbound',
      text: 'Test',
      attachments: [],
    });
    // The sender has submitted and kept the part's id, but the worker has not yet marked the message sent.
    await store.db
      .insertInto('sms_outbound_parts')
      .values({
        message_id: queued.message.id,
        part: 1,
        parts: 1,
        subsidiary_id: fixture.subsidiaries.fr.id,
        smsc_message_id: 'early-1',
        state: null,
        detail: null,
      })
      .execute();
    const receipt = await deliver(smsc.session(), {
      source_addr: '33698765432',
      destination_addr: SHORT_CODE_FR,
      esm_class: 0x04,
      short_message: Buffer.from('id:early-1 sub:001 dlvrd:001 stat:DELIVRD err:000'),
    });
    expect(receipt.command_status).toBe(0x64);
    // A receipt for a message Relais never sent is acknowledged and changes nothing.
    const before = await rowCounts(store.db);
    const stranger = await deliver(smsc.session(), {
      source_addr: '33698765432',
      destination_addr: SHORT_CODE_FR,
      esm_class: 0x04,
      short_message: Buffer.from('id:not-ours sub:001 dlvrd:001 stat:DELIVRD err:000'),
    });
    expect(stranger.command_status).toBe(0);
    expect(await rowCounts(store.db)).toEqual(before);
  });

  it('binds again after the SMSC drops the connection and after it refuses a bind', async () => {
    const binds = () => smsc.received.filter((p) => p.command === 'bind_transceiver').length;
    const before = binds();
    smsc.refuseBinds = 1;
    smsc.session().socket.destroy();
    // Refused once, then bound.
    await sentToSmsc(smsc, (p) => p.command === 'bind_transceiver', before + 2);
    await sms.client.whenBound();
    const response = await deliver(smsc.session(), {
      source_addr_ton: 1,
      source_addr: CUSTOMER_MA,
      destination_addr: ENDPOINT_MA.slice(1),
      short_message: encodeGsm7('Toujours la?'),
    });
    expect(response.command_status).toBe(0);
    expect((await messagesFrom(`+${CUSTOMER_MA}`)).map((m) => m.text)).toContain('Toujours la?');
  });
});
