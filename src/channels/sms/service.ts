import type { Db } from '../../store/index.ts';
import type { ChannelSender } from '../delivery.ts';
import { type SmppClient, type SmppEvent, startSmppClient } from './client.ts';
import { type InboundResult, receiveDeliverSm, storeIncompleteSms } from './inbound.ts';
import { smsSender } from './send.ts';

export interface SmsOptions {
  /** smpp://system_id:password@host:port */
  url: string;
  systemType?: string | undefined;
  window: number;
  throughput: number;
  enquireLinkMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  now: () => Date;
  onEvent?: (event: SmppEvent | { kind: 'inbound'; result: InboundResult }) => void;
}

/** The SMS channel of this process: one bind to the SMSC, its inbound side and its sender. */
export interface SmsChannel {
  client: SmppClient;
  sender: ChannelSender;
  stop(): Promise<void>;
}

export function startSms(db: Db, options: SmsOptions): SmsChannel {
  const client = startSmppClient({
    url: options.url,
    systemType: options.systemType,
    window: options.window,
    throughput: options.throughput,
    ...(options.enquireLinkMs ? { enquireLinkMs: options.enquireLinkMs } : {}),
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    onEvent: options.onEvent,
    async onDeliver(pdu) {
      const { status, result } = await receiveDeliverSm(db, pdu, options.now());
      options.onEvent?.({ kind: 'inbound', result });
      return status;
    },
  });
  // Long SMS whose last parts never came are stored with gaps, by whichever process looks first.
  const sweep = setInterval(() => {
    storeIncompleteSms(db, options.now()).catch((error) => options.onEvent?.({ kind: 'error', error }));
  }, 60_000);
  sweep.unref();
  return {
    client,
    sender: smsSender({ db, client }),
    stop: async () => {
      clearInterval(sweep);
      await client.stop();
    },
  };
}
