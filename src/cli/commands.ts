import { randomBytes } from 'node:crypto';
import type { ParseArgsConfig } from 'node:util';
import pino from 'pino';
import { describeConfig, loadConfig } from '../core/index.ts';
import { clearWorld, createDemoWorld, type DemoSignIn, demoSignIns } from '../demo/index.ts';
import { initialiseGroup } from '../organisation/index.ts';
import { startRelais, storeFor } from '../server/index.ts';
import { loadMigrations, migrate } from '../store/index.ts';
import { erlangCommand } from './erlang.ts';
import { EXIT, UsageError } from './exit.ts';
import { forecastCommand } from './forecast.ts';
import { planCommand } from './plan.ts';
import { simulateCommand } from './simulate.ts';

type Values = Record<string, string | boolean | undefined>;
type Env = Record<string, string | undefined>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether words without a dash follow the command (a subcommand: `forecast evaluate`). */
  positionals?: boolean;
  /** Returns the exit code, or -1 for a command that keeps running (serve). */
  run(values: Values, env: Env, positionals?: string[]): Promise<number>;
}

const storeOptions = {
  'data-dir': { type: 'string' },
  memory: { type: 'boolean' },
} as const;

const STORE_HELP = `  --data-dir DIR   embedded store directory (default ./.relais; env RELAIS_DATA_DIR)
  --memory         embedded store in memory: nothing is kept (env RELAIS_MEMORY=true)
  DATABASE_URL=postgres://…  in the environment uses PostgreSQL instead`;

/** Command-line flags are settings too: they go through the same validated schema as the environment. */
function configFrom(values: Values, env: Env) {
  const merged: Env = { ...env };
  if (typeof values['data-dir'] === 'string') merged.RELAIS_DATA_DIR = values['data-dir'];
  if (values.memory) merged.RELAIS_MEMORY = 'true';
  if (typeof values.port === 'string') merged.PORT = values.port;
  if (typeof values.host === 'string') merged.HOST = values.host;
  if (typeof values.demo === 'string') merged.RELAIS_DEMO = values.demo;
  if (typeof values.seed === 'string') merged.RELAIS_DEMO_SEED = values.seed;
  return loadConfig(merged);
}

function printSignIns(signIns: DemoSignIn[], url?: string): void {
  const lines = signIns.map((s) => `  ${s.email.padEnd(40)} ${s.password.padEnd(12)} ${s.role} (${s.scope})`);
  process.stdout.write(
    `\nDemo sign-ins${url ? ` at ${url}` : ''}:\n${lines.join('\n')}\n` +
      `  POST ${url ?? ''}/api/auth/login with {"email": …, "password": …}; API docs at ${url ?? ''}/docs\n\n`,
  );
}

const serve: Command = {
  name: 'serve',
  summary: 'run Relais: HTTP API, docs and workers in one process',
  usage: `Usage: relais serve [options]

Runs the HTTP API at http://localhost:8080 (GET /healthz, /readyz, /docs, /openapi.json).
Migrates the store on start; on an empty store creates the demo world and prints its sign-ins.

Options:
  --port N         port (default 8080; env PORT)
  --host HOST      interface (default localhost; env HOST; 0.0.0.0 for all)
  --demo auto|off  create the demo world on an empty store (default auto; env RELAIS_DEMO)
${STORE_HELP}

Settings read from the environment:
${describeConfig()
  .map((c) => `  ${c.name.padEnd(22)} ${c.description}`)
  .join('\n')}`,
  options: { ...storeOptions, port: { type: 'string' }, host: { type: 'string' }, demo: { type: 'string' } },
  async run(values, env) {
    const config = configFrom(values, env);
    const logger = pino({ level: config.LOG_LEVEL });
    const running = await startRelais(config, { logger });
    logger.info({ url: running.url, store: running.store.kind, location: running.store.location }, 'serving');
    const stop = async (signal: string) => {
      logger.info({ signal }, 'stopping');
      await running.close();
      process.exit(EXIT.ok);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    let demo: Awaited<typeof running.ready>['demo'];
    try {
      ({ demo } = await running.ready);
    } catch (error) {
      // Migrations refused or the store failed: stop serving, so the exit code tells.
      await running.close();
      throw error;
    }
    if (demo) {
      logger.info(
        { customers: demo.customers, agents: demo.agents, conversations: demo.conversations },
        'demo world created',
      );
    }
    if (config.RELAIS_DEMO === 'auto') printSignIns(demoSignIns(), running.url);
    logger.info({ url: running.url }, 'ready');
    return -1;
  },
};

const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply the store migrations (forward only) and list them',
  usage: `Usage: relais migrate [options]

Applies the migrations this version ships that the store lacks. A migration changed
after it was applied, or one this version does not know, stops with exit code 4.

Options:
${STORE_HELP}`,
  options: storeOptions,
  async run(values, env) {
    const config = configFrom(values, env);
    const store = await storeFor(config);
    try {
      const applied = await migrate(store.db);
      for (const m of loadMigrations()) {
        const mark = applied.some((a) => a.version === m.version) ? 'applied now' : 'already applied';
        process.stdout.write(`${String(m.version).padStart(4, '0')} ${m.name.padEnd(30)} ${mark}\n`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

const demo: Command = {
  name: 'demo',
  summary: 'erase the store and create the demo world again',
  usage: `Usage: relais demo --yes [options]

Erases every record in the store and creates the demo world: a telecom group with
subsidiaries in France, Morocco, Senegal, Madagascar and Egypt, seven sites, about
80 agents, 10,000 customers and a few hundred past conversations.

Options:
  --yes            confirm that all data in the store is erased
  --seed N         seed of the generator (default 20261122; env RELAIS_DEMO_SEED)
${STORE_HELP}`,
  options: { ...storeOptions, yes: { type: 'boolean' }, seed: { type: 'string' } },
  async run(values, env) {
    if (!values.yes) throw new UsageError('relais demo erases the whole store: add --yes to confirm');
    const config = configFrom(values, env);
    const store = await storeFor(config);
    try {
      await migrate(store.db);
      await clearWorld(store.db);
      const summary = await createDemoWorld(store.db, { seed: config.RELAIS_DEMO_SEED, now: new Date() });
      process.stdout.write(
        `demo world created in ${store.location}: ${summary.subsidiaries} subsidiaries, ${summary.sites} sites, ` +
          `${summary.agents} agents, ${summary.customers} customers, ${summary.conversations} conversations\n`,
      );
      printSignIns(summary.signIns);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

const init: Command = {
  name: 'init',
  summary: 'create the group and its first administrator on an empty store',
  usage: `Usage: relais init --group NAME --email EMAIL [--name NAME] [options]

For a store without the demo world (RELAIS_DEMO=off): migrates it, creates the group
and its first group administrator, who then signs in and sets up the rest through
the API. The password comes from RELAIS_INIT_PASSWORD (10 characters or more); without
it one is generated and printed once. Refused (exit code 6) when the store already
has a group.

Options:
  --group NAME     the group's name, e.g. "Relais Telecom Group"
  --email EMAIL    the administrator's sign-in
  --name NAME      the administrator's name (default: the email)
${STORE_HELP}`,
  options: {
    ...storeOptions,
    group: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
  },
  async run(values, env) {
    if (typeof values.group !== 'string' || typeof values.email !== 'string') {
      throw new UsageError('relais init needs --group and --email');
    }
    const config = configFrom(values, env);
    const generated = env.RELAIS_INIT_PASSWORD ? undefined : randomBytes(15).toString('base64url');
    const store = await storeFor(config);
    try {
      await migrate(store.db);
      await initialiseGroup(store.db, {
        groupName: values.group,
        email: values.email,
        displayName: typeof values.name === 'string' ? values.name : values.email,
        password: env.RELAIS_INIT_PASSWORD ?? generated ?? '',
        now: new Date(),
      });
      process.stdout.write(
        `group "${values.group}" created in ${store.location}; group administrator ${values.email}` +
          (generated ? ` with the password ${generated} (shown once: change it after signing in)` : '') +
          '\n',
      );
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

export const commands: Command[] = [
  serve,
  migrateCommand,
  demo,
  init,
  simulateCommand,
  erlangCommand,
  forecastCommand,
  planCommand,
];
