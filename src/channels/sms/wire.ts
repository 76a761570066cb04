import smpp from 'smpp';

/**
 * SMPP 3.4 framing, strictly. Every PDU starts with command_length (4 octets, the
 * whole PDU), command_id, command_status and sequence_number. The `smpp` package
 * trusts command_length: a PDU whose length disagrees with its body is cut or runs
 * into the next one, the package then reads the rest of the stream as garbage and its
 * session stops reading for good — the next valid PDU on that connection is never
 * seen. So Relais frames the stream itself: a PDU is passed on only when its fields
 * and TLVs fill exactly the length it declares; otherwise it is refused
 * (generic_nack, ESME_RINVCMDLEN) and the reader looks for the next plausible header.
 */

export const HEADER = 16;
/** The longest PDU Relais reads (the `smpp` package's limit too). */
export const MAX_LENGTH = 16_384;

export const Status = {
  ok: 0x00,
  invalidMessageLength: 0x01,
  invalidCommandLength: 0x02,
  invalidCommandId: 0x03,
  invalidBindStatus: 0x04,
  systemError: 0x08,
  invalidSourceAddress: 0x0a,
  invalidDestinationAddress: 0x0b,
  bindFailed: 0x0d,
  queueFull: 0x14,
  throttled: 0x58,
  temporaryAppError: 0x64,
  permanentAppError: 0x65,
} as const;

/** A PDU as read off the wire: its mandatory fields by name (octet strings as bytes), its TLVs by tag. */
export interface WirePdu {
  command: string;
  commandId: number;
  status: number;
  sequence: number;
  fields: Record<string, number | Buffer>;
  tlvs: Map<number, Buffer>;
  bytes: Buffer;
}

export type Frame = { kind: 'pdu'; pdu: WirePdu } | { kind: 'refused'; sequence: number; reason: string };

const { types } = smpp;

/**
 * Read one whole frame by its command's layout. Throws a RangeError saying what does
 * not fit when the body disagrees with command_length. An unknown command_id is passed
 * on (as 'unknown') for the session to answer ESME_RINVCMDID.
 */
export function readPdu(bytes: Buffer): WirePdu {
  const length = bytes.readUInt32BE(0);
  if (length !== bytes.length || length < HEADER) throw new RangeError(`command_length ${length} is wrong`);
  const commandId = bytes.readUInt32BE(4);
  const status = bytes.readUInt32BE(8);
  const sequence = bytes.readUInt32BE(12);
  const definition = smpp.commandsById[commandId];
  const pdu: WirePdu = {
    command: definition?.command ?? 'unknown',
    commandId,
    status,
    sequence,
    fields: {},
    tlvs: new Map(),
    bytes,
  };
  if (!definition) return pdu;
  let offset = HEADER;
  // A response with an error status may come without a body.
  if (status !== 0 && offset === length) return pdu;
  const need = (n: number, what: string) => {
    if (offset + n > length) throw new RangeError(`${what} runs past command_length ${length}`);
  };
  for (const [name, { type }] of Object.entries(definition.params ?? {})) {
    if (type === types.int8 || type === types.int16 || type === types.int32) {
      const size = type === types.int8 ? 1 : type === types.int16 ? 2 : 4;
      need(size, name);
      pdu.fields[name] = bytes.readUIntBE(offset, size);
      offset += size;
    } else if (type === types.cstring) {
      const end = bytes.indexOf(0, offset);
      if (end < 0 || end >= length)
        throw new RangeError(`${name} has no terminating NUL within command_length`);
      pdu.fields[name] = bytes.subarray(offset, end);
      offset = end + 1;
    } else if (type === types.buffer) {
      need(1, `${name} length`);
      const size = bytes.readUInt8(offset);
      need(1 + size, name);
      pdu.fields[name] = bytes.subarray(offset + 1, offset + 1 + size);
      offset += 1 + size;
    } else {
      // submit_multi's address lists: Relais neither sends nor receives them.
      throw new RangeError(`${definition.command} is not read by Relais`);
    }
  }
  while (offset < length) {
    need(4, 'TLV header');
    const tag = bytes.readUInt16BE(offset);
    const size = bytes.readUInt16BE(offset + 2);
    offset += 4;
    need(size, `TLV 0x${tag.toString(16).padStart(4, '0')}`);
    pdu.tlvs.set(tag, bytes.subarray(offset, offset + size));
    offset += size;
  }
  return pdu;
}

/** Four octets that could start a PDU: a sane length, a known command, a request without status. */
function plausibleHeader(buffer: Buffer, at: number): boolean {
  const length = buffer.readUInt32BE(at);
  const id = buffer.readUInt32BE(at + 4);
  const status = buffer.readUInt32BE(at + 8);
  if (length < HEADER || length > MAX_LENGTH || !smpp.commandsById[id]) return false;
  return (id & 0x80000000) !== 0 || status === 0;
}

/**
 * Cuts a byte stream into PDUs. After a refused frame the reader skips to the next
 * plausible header whose PDU reads cleanly, so one bad PDU costs that PDU only.
 */
export class PduReader {
  private buffer: Buffer = Buffer.alloc(0);
  private resyncing = false;

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      if (this.resyncing && !this.resync()) break;
      if (this.buffer.length < 4) break;
      const length = this.buffer.readUInt32BE(0);
      if (length < HEADER || length > MAX_LENGTH) {
        frames.push(this.refuse(`command_length ${length} is outside ${HEADER}–${MAX_LENGTH}`));
        continue;
      }
      if (this.buffer.length < length) break;
      const bytes = this.buffer.subarray(0, length);
      try {
        frames.push({ kind: 'pdu', pdu: readPdu(Buffer.from(bytes)) });
        this.buffer = this.buffer.subarray(length);
      } catch (error) {
        frames.push(this.refuse((error as Error).message));
      }
    }
    return frames;
  }

  private refuse(reason: string): Frame {
    const sequence = this.buffer.length >= HEADER ? this.buffer.readUInt32BE(12) : 0;
    this.buffer = this.buffer.subarray(1);
    this.resyncing = true;
    return { kind: 'refused', sequence, reason };
  }

  /** Drop bytes up to the next header whose PDU reads cleanly; false while more bytes are needed. */
  private resync(): boolean {
    let at = 0;
    while (at + 12 <= this.buffer.length) {
      if (plausibleHeader(this.buffer, at)) {
        const length = this.buffer.readUInt32BE(at);
        if (at + length > this.buffer.length) {
          this.buffer = this.buffer.subarray(at);
          return false;
        }
        try {
          readPdu(Buffer.from(this.buffer.subarray(at, at + length)));
          this.buffer = this.buffer.subarray(at);
          this.resyncing = false;
          return true;
        } catch {
          // not a PDU after all: keep looking
        }
      }
      at++;
    }
    this.buffer = this.buffer.subarray(at);
    return false;
  }
}

/** A cstring field or TLV as text (SMPP addresses and ids are ASCII). */
export const ascii = (value: number | Buffer | undefined): string =>
  Buffer.isBuffer(value) ? value.toString('latin1').replace(/\0+$/, '') : '';

export const int = (value: number | Buffer | undefined): number => (typeof value === 'number' ? value : 0);
