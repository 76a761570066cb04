import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type Bus, connectNatsBus, InProcessBus, startOutboxRelay } from '../bus/index.ts';
import {
  ChatHub,
  chatSender,
  emailSender,
  type ImapPoller,
  type Senders,
  type SmsChannel,
  smtpRelay,
  socialSender,
  startDelivery,
  startImapPoller,
  startSms,
  startSmtp,
  whatsappSender,
} from '../channels/index.ts';
import { type SnoozeWaker, startSnoozeWaker } from '../conversations/index.ts';
import type { Config } from '../core/index.ts';
import { type Clock, systemClock } from '../core/index.ts';
import { createDemoWorld, type DemoTraffic, type DemoWorldSummary, startDemoTraffic } from '../demo/index.ts';
import { type RoutingService, startRouting, startSlaWatch } from '../routing/index.ts';
import { directoryFileStore, migrate, openStore, type Store } from '../store/index.ts';
import { type App, buildServer } from './app.ts';
import { demoTrafficActions } from './demo-traffic.ts';

export interface Running {
  app: App;
  store: Store;
  /** The address the server listens on, e.g. http://localhost:8080. */
  url: string;
  /** Resolves when migrations ran and the demo world (if due) exists: what /readyz reports. */
  ready: Promise<{ demo: DemoWorldSummary | undefined; bus: Bus; smtpPort: number | undefined }>;
  close(): Promise<void>;
}

/** Open the store the configuration names. */
export function storeFor(config: Config): Promise<Store> {
  if (config.DATABASE_URL) {
    return openStore({ kind: 'postgres', url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  }
  return openStore({
    kind: 'embedded',
    dataDir: config.RELAIS_MEMORY ? undefined : join(config.RELAIS_DATA_DIR, 'store'),
  });
}

/** Where attachments are kept: beside the embedded store, or where the settings say. */
export function filesDirFor(config: Config): string {
  if (config.RELAIS_FILES_DIR) return config.RELAIS_FILES_DIR;
  if (config.RELAIS_MEMORY) return join(tmpdir(), `relais-files-${process.pid}`);
  return join(config.RELAIS_DATA_DIR, 'files');
}

/**
 * Start Relais: serve at once (so /healthz answers), then migrate and, on an empty
 * store, create the demo world; /readyz and the API answer once both are done.
 */
export async function startRelais(
  config: Config,
  options: { logger: Logger | false; clock?: Clock; store?: Store },
): Promise<Running> {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await storeFor(config));
  let ready = false;
  let relay: { kick(): void; stop(): Promise<void> } | undefined;
  let delivery: { kick(): void; stop(): Promise<void> } | undefined;
  let bus: Bus | undefined;
  let smtp: { port: number; close(): Promise<void> } | undefined;
  let imap: ImapPoller | undefined;
  let sms: SmsChannel | undefined;
  let routing: RoutingService | undefined;
  let traffic: DemoTraffic | undefined;
  let snoozes: SnoozeWaker | undefined;
  const files = directoryFileStore(filesDirFor(config));
  // The web chat connections of this process: the chat sender shows replies on them.
  const chatHub = new ChatHub(store.db, {
    now: () => clock.now(),
    onError: (error) => app.log.error({ err: error }, 'chat'),
  });
  const app = await buildServer({
    chatHub,
    db: store.db,
    files,
    config,
    clock,
    logger: options.logger,
    isReady: () => ready,
    // A change committed: publish its events now rather than at the next poll.
    onCommitted: () => relay?.kick(),
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const url = address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
  const readyPromise = (async () => {
    await migrate(store.db);
    let demo: DemoWorldSummary | undefined;
    if (config.RELAIS_DEMO === 'auto') {
      const group = await store.db.selectFrom('groups').select('id').executeTakeFirst();
      if (!group) demo = await createDemoWorld(store.db, { seed: config.RELAIS_DEMO_SEED, now: clock.now() });
    }
    const report = (error: unknown) => app.log.error({ err: error }, 'event bus');
    bus = config.NATS_URL ? await connectNatsBus(config.NATS_URL, report) : new InProcessBus(report);
    // The channels this process can send on; a reply on another channel waits, queued.
    const senders: Senders = { chat: chatSender({ db: store.db, hub: chatHub }) };
    if (config.RELAIS_SMTP_RELAY) {
      senders.email = emailSender({ db: store.db, relay: smtpRelay(config.RELAIS_SMTP_RELAY), files });
    }
    if (config.RELAIS_META_APP_SECRET) {
      // Meta connected: replies on Facebook, Instagram and WhatsApp leave through the Graph API.
      const graph = { db: store.db, graphUrl: config.RELAIS_GRAPH_URL };
      senders.social = socialSender(graph);
      senders.whatsapp = whatsappSender(graph);
    }
    if (config.RELAIS_SMPP_URL) {
      // One bind to the operator's SMSC: inbound SMS and receipts, and replies by SMS.
      const smpp = new URL(config.RELAIS_SMPP_URL);
      const log = app.log.child({ smsc: `${smpp.hostname}:${smpp.port || 2775}` });
      sms = startSms(store.db, {
        url: config.RELAIS_SMPP_URL,
        systemType: config.RELAIS_SMPP_SYSTEM_TYPE,
        window: config.RELAIS_SMPP_WINDOW,
        throughput: config.RELAIS_SMPP_THROUGHPUT,
        now: () => clock.now(),
        onEvent: (event) => {
          if (event.kind === 'bound') {
            log.info('bound to the SMSC');
            delivery?.kick();
          } else if (event.kind === 'error') log.warn({ err: event.error }, 'smpp');
          else if (event.kind === 'inbound') {
            if (event.result.outcome === 'refused')
              log.warn({ reason: event.result.reason }, 'deliver_sm refused');
          } else log.info(event, 'smpp');
        },
      });
      senders.sms = sms.sender;
    }
    delivery = startDelivery(store.db, senders, {
      now: () => clock.now(),
      onError: (error) => app.log.error({ err: error }, 'delivery'),
    });
    await bus.subscribe('delivery', ['message.queued'], async () => delivery?.kick());
    relay = startOutboxRelay(store.db, bus, { onError: report });
    // Snoozed conversations wake when their time comes (those due while stopped, at once).
    snoozes = startSnoozeWaker(store.db, {
      now: () => clock.now(),
      onError: (error) => app.log.error({ err: error }, 'snooze'),
      onWoken: () => relay?.kick(),
    });
    if (config.RELAIS_SMTP === 'on') {
      smtp = await startSmtp(store.db, files, {
        port: config.RELAIS_SMTP_PORT,
        host: config.RELAIS_SMTP_HOST ?? config.HOST,
        maxBytes: config.RELAIS_SMTP_MAX_BYTES,
        tls:
          config.RELAIS_SMTP_TLS_KEY && config.RELAIS_SMTP_TLS_CERT
            ? {
                key: readFileSync(config.RELAIS_SMTP_TLS_KEY),
                cert: readFileSync(config.RELAIS_SMTP_TLS_CERT),
              }
            : undefined,
        now: () => clock.now(),
        onError: (error) => app.log.error({ err: error }, 'smtp'),
      });
      app.log.info({ port: smtp.port }, 'accepting mail over SMTP');
    }
    // Mailboxes hosted elsewhere (email endpoints with IMAP settings), through the same intake.
    imap = startImapPoller(store.db, files, {
      now: () => clock.now(),
      maxBytes: config.RELAIS_SMTP_MAX_BYTES,
      log: app.log,
    });
    if (config.RELAIS_DEMO_TRAFFIC === 'on') {
      // Simulated customers and agents keep the demo world busy (docs/operations.md); none on another
      // organisation. Before the router: it first hands back what the demo's history gave beyond capacity.
      traffic = await startDemoTraffic(store.db, demoTrafficActions, {
        seed: config.RELAIS_DEMO_SEED,
        perMinute: config.RELAIS_DEMO_TRAFFIC_PER_MINUTE,
        now: () => clock.now(),
        onError: (error) => app.log.error({ err: error }, 'demo traffic'),
        onCommitted: () => relay?.kick(),
      });
      if (traffic) app.log.info({ perMinute: config.RELAIS_DEMO_TRAFFIC_PER_MINUTE }, 'demo traffic on');
      else app.log.warn('demo traffic asked for, but the store holds no demo world: none');
    }
    if (config.RELAIS_ROUTING === 'on') {
      routing = await startRouting(store.db, {
        bus,
        offers: { mode: config.RELAIS_ROUTING_OFFERS, seconds: config.RELAIS_OFFER_SECONDS },
        now: () => clock.now(),
        onError: (error) => app.log.error({ err: error }, 'routing'),
      });
      // SLA clocks of new and escalated conversations, and their 'at risk' and 'breached' events; stopped with routing.
      const sla = await startSlaWatch(store.db, {
        bus,
        now: () => clock.now(),
        onError: (error) => app.log.error({ err: error }, 'sla'),
        onCommitted: () => relay?.kick(),
      });
      routing.onStop(() => sla.stop());
    }
    ready = true;
    return { demo, bus, smtpPort: smtp?.port };
  })();
  return {
    app,
    store,
    url,
    ready: readyPromise,
    close: async () => {
      await app.close();
      await readyPromise.catch(() => undefined);
      await traffic?.stop();
      await smtp?.close();
      await imap?.stop();
      await sms?.stop();
      await routing?.stop();
      await snoozes?.stop();
      await relay?.stop();
      await delivery?.stop();
      await bus?.close();
      if (!options.store) await store.close();
    },
  };
}
