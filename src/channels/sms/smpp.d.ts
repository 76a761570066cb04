// Types for the parts of the `smpp` package (0.5.1, CommonJS, no types of its own)
// that Relais and its tests use.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  export interface FieldType {
    read(buffer: Buffer, offset: number, length?: number): unknown;
    size(value: unknown): number;
  }

  export interface CommandDefinition {
    id: number;
    command: string;
    params?: Record<string, { type: FieldType; default?: unknown }>;
  }

  /** One PDU: its header, and its fields and TLVs by name. */
  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    constructor(buffer: Buffer);
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    command_length: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
    toBuffer(): Buffer;
    static maxLength: number;
  }

  /** A connection: an ESME's to its SMSC, or the SMSC side of an accepted one. */
  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, onResponse?: (response: PDU) => void, onSent?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    // The PDU shortcuts: session.deliver_sm({…}, onResponse) and the like.
    [command: string]: unknown;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function createServer(listener?: (session: Session) => void): Server;
  export function createServer(
    options: Record<string, unknown>,
    listener?: (session: Session) => void,
  ): Server;
  export function connect(url: string | Record<string, unknown>, listener?: () => void): Session;

  const smpp: {
    PDU: typeof PDU;
    Session: typeof Session;
    createServer: typeof createServer;
    connect: typeof connect;
    commands: Record<string, CommandDefinition>;
    commandsById: Record<number, CommandDefinition>;
    types: Record<'int8' | 'int16' | 'int32' | 'string' | 'cstring' | 'buffer', FieldType> &
      Record<string, FieldType>;
    errors: Record<string, number>;
  };
  export default smpp;
}
