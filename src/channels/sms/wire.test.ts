import fc from 'fast-check';
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './client.ts';
import { type Frame, PduReader, readPdu } from './wire.ts';

const deliverSm = (sequence: number, text: string) =>
  new smpp.PDU('deliver_sm', {
    sequence_number: sequence,
    source_addr_ton: 1,
    source_addr: '212661234567',
    destination_addr: '212522000000',
    data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
  }).toBuffer();

/** Feed a stream to a reader in the given chunk sizes. */
function read(stream: Buffer, sizes: number[]): Frame[] {
  const reader = new PduReader();
  const frames: Frame[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= stream.length) break;
    frames.push(...reader.push(stream.subarray(at, at + size)));
    at += size;
  }
  if (at < stream.length) frames.push(...reader.push(stream.subarray(at)));
  return frames;
}

const texts = fc.array(fc.string({ unit: fc.constantFrom(...'abcdefghij 0123456789?!'), maxLength: 160 }), {
  minLength: 1,
  maxLength: 6,
});
const chunkSizes = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 200 });

describe('SMPP framing', () => {
  it('reads the fields and TLVs of a PDU', () => {
    const bytes = new smpp.PDU('deliver_sm', {
      sequence_number: 7,
      source_addr: '33611223344',
      destination_addr: '36111',
      esm_class: 0x04,
      receipted_message_id: 'abc123',
      message_state: 2,
      short_message: Buffer.from('id:abc123 stat:DELIVRD'),
    }).toBuffer();
    const pdu = readPdu(bytes);
    expect(pdu.command).toBe('deliver_sm');
    expect(pdu.sequence).toBe(7);
    expect(pdu.fields.esm_class).toBe(0x04);
    expect(pdu.tlvs.get(0x001e)?.toString('latin1')).toBe('abc123\u0000');
    expect(pdu.tlvs.get(0x0427)?.[0]).toBe(2);
  });

  it('cuts a stream into the same PDUs however it is split into chunks', () => {
    fc.assert(
      fc.property(texts, chunkSizes, (messages, sizes) => {
        const stream = Buffer.concat(messages.map((t, i) => deliverSm(i + 1, t)));
        const frames = read(stream, sizes);
        expect(frames.map((f) => (f.kind === 'pdu' ? f.pdu.sequence : -1))).toEqual(
          messages.map((_, i) => i + 1),
        );
        expect(
          frames.map((f) =>
            f.kind === 'pdu' ? (f.pdu.fields.short_message as Buffer).toString('latin1') : '',
          ),
        ).toEqual(messages);
      }),
    );
  });

  it('refuses one PDU with a wrong command_length and still reads every PDU after it', () => {
    fc.assert(
      fc.property(
        texts,
        fc.integer({ min: -40, max: 40 }).filter((d) => d !== 0),
        chunkSizes,
        (messages, delta, sizes) => {
          const bad = deliverSm(999, 'this one is malformed');
          bad.writeUInt32BE(Math.max(0, bad.length + delta), 0);
          const stream = Buffer.concat([bad, ...messages.map((t, i) => deliverSm(i + 1, t))]);
          const frames = read(stream, sizes);
          expect(frames.filter((f) => f.kind === 'refused')).toHaveLength(1);
          expect(frames.flatMap((f) => (f.kind === 'pdu' ? [f.pdu.sequence] : []))).toEqual(
            messages.map((_, i) => i + 1),
          );
        },
      ),
    );
  });

  it('waits before binding again: doubling, capped, with jitter', () => {
    expect(reconnectDelayMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(reconnectDelayMs(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(reconnectDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(reconnectDelayMs(20, 1000, 60_000, () => 0)).toBe(30_000);
  });
});
