import type { Logger } from 'pino';
import { type Bus, connectNatsBus, InProcessBus, startOutboxRelay } from '../bus/index.ts';
import type { Config } from '../core/index.ts';
import { type Clock, systemClock } from '../core/index.ts';
import { createDemoWorld, type DemoWorldSummary } from '../demo/index.ts';
import { migrate, openStore, type Store } from '../store/index.ts';
import { type App, buildServer } from './app.ts';

export interface Running {
  app: App;
  store: Store;
  /** The address the server listens on, e.g. http://localhost:8080. */
  url: string;
  /** Resolves when migrations ran and the demo world (if due) exists: what /readyz reports. */
  ready: Promise<{ demo: DemoWorldSummary | undefined; bus: Bus }>;
  close(): Promise<void>;
}

/** Open the store the configuration names. */
export function storeFor(config: Config): Promise<Store> {
  if (config.DATABASE_URL) {
    return openStore({ kind: 'postgres', url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  }
  return openStore({ kind: 'embedded', dataDir: config.RELAIS_MEMORY ? undefined : config.RELAIS_DATA_DIR });
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
  let bus: Bus | undefined;
  const app = await buildServer({
    db: store.db,
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
    relay = startOutboxRelay(store.db, bus, { onError: report });
    ready = true;
    return { demo, bus };
  })();
  return {
    app,
    store,
    url,
    ready: readyPromise,
    close: async () => {
      await app.close();
      await readyPromise.catch(() => undefined);
      await relay?.stop();
      await bus?.close();
      if (!options.store) await store.close();
    },
  };
}
