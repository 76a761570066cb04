import { connect, type Socket } from 'node:net';
import smpp from 'smpp';
import { ascii, type Frame, PduReader, Status, type WirePdu } from './wire.ts';

/**
 * Relais's one bind (transceiver) to the operator's SMSC: submit_sm out, deliver_sm in.
 * The `smpp` package writes the PDUs; the stream is read by wire.ts, strictly. The
 * bind is kept alive with enquire_link and comes back after the SMSC drops it or
 * refuses it, with an exponential, jittered, capped backoff. Outbound traffic keeps to
 * a window (submit_sm awaiting their response) and a rate (submit_sm per second).
 */

export interface SmppClientOptions {
  /** smpp://system_id:password@host:port */
  url: string;
  systemType?: string | undefined;
  /** submit_sm awaiting a response, at most. */
  window: number;
  /** submit_sm per second, at most. */
  throughput: number;
  enquireLinkMs?: number;
  responseTimeoutMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  /** A deliver_sm from the SMSC; resolve with the command_status to answer, once the item is committed. */
  onDeliver(pdu: WirePdu): Promise<number>;
  onEvent?(event: SmppEvent): void;
}

export type SmppEvent =
  | { kind: 'bound' }
  | { kind: 'bind_refused'; status: number }
  | { kind: 'closed'; reconnectInMs: number | undefined }
  | { kind: 'refused_pdu'; sequence: number; reason: string }
  | { kind: 'error'; error: unknown };

/** The SMSC answered a request with an error status. */
export class SmppRefusal extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(`the SMSC refused ${what}: status 0x${status.toString(16).padStart(8, '0')}`);
    this.name = 'SmppRefusal';
  }

  /** Whether trying again later can help: the SMSC is busy or failed, not the message. */
  get temporary(): boolean {
    const busy: number[] = [Status.queueFull, Status.throttled, Status.systemError, Status.temporaryAppError];
    return busy.includes(this.status);
  }
}

export interface SmppClient {
  readonly bound: boolean;
  /** Resolves when the bind is up (now, or once it comes back). */
  whenBound(): Promise<void>;
  /** Send one submit_sm within the window and the rate; resolves with the SMSC's message id. */
  submit(fields: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

interface Pending {
  resolve(pdu: WirePdu): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before the n-th reconnection: doubling from initialMs, at most maxMs, with jitter (50–100 %). */
export const reconnectDelayMs = (attempt: number, initialMs: number, maxMs: number, random = Math.random) =>
  Math.round(Math.min(maxMs, initialMs * 2 ** attempt) * (0.5 + random() / 2));

export function startSmppClient(options: SmppClientOptions): SmppClient {
  const target = new URL(options.url);
  const host = target.hostname;
  const port = Number(target.port || 2775);
  const systemId = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const enquireLinkMs = options.enquireLinkMs ?? 30_000;
  const responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  const backoff = options.reconnect ?? { initialMs: 1_000, maxMs: 60_000 };
  const emit = (event: SmppEvent) => options.onEvent?.(event);

  let socket: Socket | undefined;
  let bound = false;
  let stopped = false;
  let attempt = 0;
  let sequence = 0;
  let keepAlive: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let inbound: Promise<void> = Promise.resolve();
  const pending = new Map<number, Pending>();
  let boundWaiters: Array<() => void> = [];
  // The window: slots in use, and who waits for one.
  let outstanding = 0;
  const windowWaiters: Array<() => void> = [];
  let nextSendAt = 0;

  const nextSequence = () => {
    sequence = sequence >= 0x7fffffff ? 1 : sequence + 1;
    return sequence;
  };

  const write = (command: string, fields: Record<string, unknown>) => {
    socket?.write(new smpp.PDU(command, fields).toBuffer());
  };

  const request = (command: string, fields: Record<string, unknown>): Promise<WirePdu> =>
    new Promise((resolve, reject) => {
      if (!socket || socket.destroyed) {
        reject(new Error('not connected to the SMSC'));
        return;
      }
      const seq = nextSequence();
      const timer = setTimeout(() => {
        pending.delete(seq);
        reject(new Error(`the SMSC did not answer ${command} within ${responseTimeoutMs} ms`));
      }, responseTimeoutMs);
      pending.set(seq, { resolve, reject, timer });
      write(command, { ...fields, sequence_number: seq });
    });

  const answer = async (pdu: WirePdu) => {
    let status: number;
    try {
      status = await options.onDeliver(pdu);
    } catch (error) {
      // Not committed: the SMSC keeps the item and delivers it again.
      emit({ kind: 'error', error });
      status = Status.temporaryAppError;
    }
    write('deliver_sm_resp', { sequence_number: pdu.sequence, command_status: status, message_id: '' });
  };

  const handle = (frame: Frame) => {
    if (frame.kind === 'refused') {
      emit({ kind: 'refused_pdu', sequence: frame.sequence, reason: frame.reason });
      write('generic_nack', { sequence_number: frame.sequence, command_status: Status.invalidCommandLength });
      return;
    }
    const { pdu } = frame;
    if (pdu.commandId & 0x80000000) {
      const waiting = pending.get(pdu.sequence);
      if (!waiting) return;
      pending.delete(pdu.sequence);
      clearTimeout(waiting.timer);
      waiting.resolve(pdu);
      return;
    }
    switch (pdu.command) {
      case 'deliver_sm':
        // One at a time, in order: a customer's messages are stored in the order sent.
        inbound = inbound.then(() => answer(pdu));
        return;
      case 'enquire_link':
        write('enquire_link_resp', { sequence_number: pdu.sequence });
        return;
      case 'unbind':
        write('unbind_resp', { sequence_number: pdu.sequence });
        socket?.end();
        return;
      case 'alert_notification':
        return;
      default:
        write('generic_nack', { sequence_number: pdu.sequence, command_status: Status.invalidCommandId });
    }
  };

  const scheduleReconnect = () => {
    if (stopped) {
      emit({ kind: 'closed', reconnectInMs: undefined });
      return;
    }
    const delay = reconnectDelayMs(attempt, backoff.initialMs, backoff.maxMs);
    attempt++;
    emit({ kind: 'closed', reconnectInMs: delay });
    reconnectTimer = setTimeout(open, delay);
  };

  const bind = async (conn: Socket) => {
    let response: WirePdu;
    try {
      response = await request('bind_transceiver', {
        system_id: systemId,
        password,
        system_type: options.systemType ?? '',
        interface_version: 0x34,
      });
    } catch {
      conn.destroy();
      return;
    }
    if (response.status !== Status.ok) {
      emit({ kind: 'bind_refused', status: response.status });
      conn.destroy();
      return;
    }
    bound = true;
    attempt = 0;
    emit({ kind: 'bound' });
    keepAlive = setInterval(() => {
      request('enquire_link', {}).catch(() => conn.destroy());
    }, enquireLinkMs);
    const waiters = boundWaiters;
    boundWaiters = [];
    for (const resolve of waiters) resolve();
  };

  function open() {
    reconnectTimer = undefined;
    if (stopped) return;
    const reader = new PduReader();
    const conn = connect({ host, port });
    socket = conn;
    conn.setNoDelay(true);
    conn.on('connect', () => void bind(conn));
    conn.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) handle(frame);
    });
    conn.on('error', (error) => emit({ kind: 'error', error }));
    conn.on('close', () => {
      bound = false;
      clearInterval(keepAlive);
      for (const [seq, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error('the connection to the SMSC closed'));
        pending.delete(seq);
      }
      if (socket === conn) socket = undefined;
      scheduleReconnect();
    });
  }

  const takeSlot = async () => {
    if (outstanding < options.window) {
      outstanding++;
      return;
    }
    await new Promise<void>((resolve) => windowWaiters.push(resolve));
  };
  const releaseSlot = () => {
    const next = windowWaiters.shift();
    if (next) next();
    else outstanding--;
  };
  const keepRate = async () => {
    const interval = 1000 / options.throughput;
    const now = Date.now();
    const at = Math.max(now, nextSendAt);
    nextSendAt = at + interval;
    if (at > now) await sleep(at - now);
  };

  open();

  return {
    get bound() {
      return bound;
    },
    whenBound: () => (bound ? Promise.resolve() : new Promise((resolve) => boundWaiters.push(resolve))),
    async submit(fields) {
      if (!bound) throw new Error('not bound to the SMSC');
      await takeSlot();
      try {
        await keepRate();
        if (!bound) throw new Error('not bound to the SMSC');
        const response = await request('submit_sm', fields);
        if (response.status !== Status.ok) throw new SmppRefusal(response.status, 'submit_sm');
        return ascii(response.fields.message_id);
      } finally {
        releaseSlot();
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearInterval(keepAlive);
      await inbound;
      const conn = socket;
      if (!conn) return;
      if (bound) {
        await request('unbind', {}).catch(() => undefined);
      }
      await new Promise<void>((resolve) => {
        if (conn.destroyed) resolve();
        else {
          conn.once('close', () => resolve());
          conn.destroy();
        }
      });
    },
  };
}
