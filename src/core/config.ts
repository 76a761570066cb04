import { z } from 'zod';
import { DomainError } from './errors.ts';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every setting Relais reads, with its default and meaning. Nothing else reads the environment. */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port'),
  HOST: z.string().min(1).default('localhost').describe('interface to listen on (0.0.0.0 for all)'),
  RELAIS_DATA_DIR: z.string().min(1).default('./.relais').describe('embedded store and files'),
  RELAIS_MEMORY: flag.default(false).describe('embedded store in memory only: nothing kept'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('PostgreSQL instead of the embedded store'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  NATS_URL: z
    .string()
    .regex(/^nats:\/\//, 'must be a nats:// URL')
    .optional()
    .describe('NATS JetStream bus'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RELAIS_DEMO: z
    .enum(['auto', 'off'])
    .default('auto')
    .describe('auto: create the demo world when the store holds no group yet'),
  RELAIS_DEMO_SEED: z.coerce.number().int().default(20261122),
  RELAIS_DEMO_TRAFFIC: z
    .enum(['on', 'off'])
    .optional()
    .describe(
      'simulated customers and agents on the demo world, so it looks busy (default: on when RELAIS_DEMO is auto)',
    ),
  RELAIS_DEMO_TRAFFIC_PER_MINUTE: z.coerce
    .number()
    .positive()
    .max(600)
    .default(12)
    .describe('new demo conversations per minute at the busiest hour'),
  RELAIS_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  RELAIS_COOKIE_SECURE: flag.default(false).describe('send cookies only over HTTPS'),
  RELAIS_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('largest request body, bytes'),
  RELAIS_LOGIN_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('sign-in attempts per minute per address and email'),
  RELAIS_TRUST_PROXY: flag.default(false).describe('trust X-Forwarded-For from a reverse proxy'),
  RELAIS_FILES_DIR: z.string().min(1).optional().describe('attachments by content (default: DATA_DIR/files)'),
  RELAIS_SMTP: z
    .enum(['on', 'off'])
    .default('on')
    .describe('accept mail over SMTP for the mailbox endpoints'),
  RELAIS_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525).describe('SMTP port'),
  RELAIS_SMTP_HOST: z.string().min(1).optional().describe('SMTP interface (default: HOST)'),
  RELAIS_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024)
    .describe('largest mail accepted; larger gets 552'),
  RELAIS_SMTP_TLS_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('PEM key file: with the certificate, STARTTLS is offered'),
  RELAIS_SMTP_TLS_CERT: z.string().min(1).optional().describe('PEM certificate file for STARTTLS'),
  RELAIS_SMTP_RELAY: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe('mail relay for replies, e.g. smtp://user:pass@relay.example.com:587'),
  RELAIS_META_APP_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Meta app secret: webhooks from Facebook, Instagram and WhatsApp are checked with it (absent: webhooks off)',
    ),
  RELAIS_META_VERIFY_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe('the verify token given to Meta when subscribing the webhook (GET handshake)'),
  RELAIS_GRAPH_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://graph.facebook.com/v21.0')
    .describe('Graph API base URL, with its version: replies to Facebook, Instagram and WhatsApp go there'),
  RELAIS_META_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('largest Meta webhook body accepted; larger gets 413'),
  RELAIS_SMPP_URL: z
    .string()
    .regex(/^smpp:\/\/[^:@/]+:[^@/]*@[^/]+$/, 'must be smpp://system_id:password@host:port')
    .optional()
    .describe("the operator's SMSC, e.g. smpp://system_id:password@smsc.example.com:2775; absent: no SMS"),
  RELAIS_SMPP_SYSTEM_TYPE: z
    .string()
    .max(12)
    .optional()
    .describe('system_type sent in the bind, if the SMSC wants one'),
  RELAIS_SMPP_WINDOW: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('submit_sm awaiting the SMSC response, at most'),
  RELAIS_SMPP_THROUGHPUT: z.coerce
    .number()
    .positive()
    .max(10_000)
    .default(20)
    .describe('SMS parts sent per second, at most (the rate the operator grants)'),
  RELAIS_ROUTING: z
    .enum(['on', 'off'])
    .default('on')
    .describe('run the assignment service: waiting conversations go to agents by the router'),
  RELAIS_ROUTING_OFFERS: z
    .enum(['auto', 'offer'])
    .default('auto')
    .describe(
      "'auto': the router's choice is the assignment; 'offer': the agent is asked over their socket and accepts or declines",
    ),
  RELAIS_OFFER_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .max(600)
    .default(20)
    .describe('how long an offer waits for an answer before it goes to the next agent'),
});

const checked = ConfigSchema.superRefine((c, ctx) => {
  if (Boolean(c.RELAIS_SMTP_TLS_KEY) !== Boolean(c.RELAIS_SMTP_TLS_CERT)) {
    ctx.addIssue({
      code: 'custom',
      path: ['RELAIS_SMTP_TLS_CERT'],
      message: 'give both the TLS key and the certificate',
    });
  }
}).transform((c) => ({
  ...c,
  // The demo's traffic goes with the demo: a store set up without it gets none unless asked.
  RELAIS_DEMO_TRAFFIC: c.RELAIS_DEMO_TRAFFIC ?? (c.RELAIS_DEMO === 'auto' ? 'on' : 'off'),
}));

export type Config = z.output<typeof checked>;

/** Read the configuration once; a wrong value stops the start with every problem listed. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = checked.safeParse(present);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new DomainError(
    'config_invalid',
    `invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    issues,
  );
}

/** The settings with their descriptions, for `relais serve --help`. */
export function describeConfig(): Array<{ name: string; description: string }> {
  return Object.entries(ConfigSchema.shape).map(([name, schema]) => ({
    name,
    description: schema.description ?? '',
  }));
}
