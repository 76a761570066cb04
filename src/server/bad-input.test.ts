import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Response, rowCounts, startTestServer, type TestServer } from '../testing/index.ts';

/**
 * Bad input: each malformed, mistyped, oversized or illegal request is a 4xx
 * problem+json that names the field at fault, and writes nothing. Then fast-check
 * throws generated bodies at every create and update endpoint: never a 5xx, never a
 * partial write.
 */

let server: TestServer;
let f: TestServer['fixture'];
let admin: Client;

/** Row counts of every table a command may write. */
async function counts(on: TestServer = server): Promise<Record<string, number>> {
  return rowCounts(on.db);
}

const customerRow = (id: string) =>
  server.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const conversationRow = (id: string) =>
  server.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const subsidiaryRow = (id: string) =>
  server.db.selectFrom('subsidiaries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const siteRow = (id: string) =>
  server.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const pathsIn = (res: Response): string[] => (res.body?.errors ?? []).map((e: { path: string }) => e.path);

/** A problem+json answer with this status and code, naming this field when one is given. */
function expectProblem(res: Response, status: number, code: string, path?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code, res.text).toBe(code);
  expect(res.body.status).toBe(status);
  if (path !== undefined) expect(pathsIn(res), res.text).toContain(path);
}

/** Run a request that must fail, and check that no table gained or lost a row. */
async function refusedWithoutWrites(send: () => Promise<Response>): Promise<Response> {
  const before = await counts();
  const res = await send();
  expect(await counts(), `${res.status} ${res.text}`).toEqual(before);
  return res;
}

let n = 0;
/** A fresh number for unique codes, emails and phone numbers. */
const next = (): number => ++n;
const upper = (i: number): string => i.toString(36).toUpperCase();

const calendar = {
  weekly: { mon: [{ start: '08:00', end: '20:00' }], sat: [{ start: '22:00', end: '06:00' }] },
  holidays: [{ date: '2026-12-25', name: 'Noël' }],
  exceptions: [{ date: '2026-12-24', intervals: [{ start: '08:00', end: '12:00' }], reason: 'Réveillon' }],
};

const validSubsidiary = () => ({
  code: `Q${upper(next())}`,
  name: 'Test España',
  country: 'ES',
  languages: ['es', 'ca'],
  defaultLanguage: 'es',
  timeZone: 'Europe/Madrid',
  currency: 'EUR',
  dataRegion: 'eu-south',
});

const validSite = () => ({
  code: `S${upper(next())}`,
  name: 'Lisboa',
  country: 'PT',
  operator: 'partner',
  partnerName: 'Atlântico BPO',
  timeZone: 'Europe/Lisbon',
  calendar,
  languages: [
    { tag: 'fr', proficiency: 4 },
    { tag: 'pt', proficiency: 5 },
  ],
  skills: ['billing'],
  tiers: ['level1'],
  subsidiaryIds: [f.subsidiaries.fr.id],
  costPerHour: { amountMinor: 2200, currency: 'EUR' },
  qualityIndex: 82.5,
  seats: 40,
});

const validCustomer = () => {
  const i = next();
  return {
    subsidiaryId: f.subsidiaries.fr.id,
    displayName: 'Léa Fontaine',
    givenName: 'Léa',
    familyName: 'Fontaine',
    language: 'fr',
    country: 'FR',
    timeZone: 'Europe/Paris',
    consentLevel: 'personalised',
    preferredChannels: ['email', 'sms'],
    contactWindows: [{ days: [1, 2, 3], start: '09:00', end: '18:00' }],
    approach: { formality: 'formal', notes: 'Préfère être vouvoyée' },
    identities: [
      { kind: 'email', value: `lea.${i}@client.example` },
      { kind: 'phone', value: `+3361${String(i).padStart(7, '0')}` },
    ],
  };
};

beforeAll(async () => {
  server = await startTestServer();
  f = server.fixture;
  admin = await server.as('group.admin@test.example');
});

afterAll(async () => {
  await server?.close();
});

describe('malformed requests', () => {
  it('malformed JSON is a 400 malformed_body naming the body, and writes nothing', async () => {
    for (const [method, url] of [
      ['POST', '/api/customers'],
      ['POST', '/api/conversations'],
      ['POST', `/api/conversations/${f.conversations.frUnrouted.id}/messages`],
      ['PATCH', `/api/customers/${f.customers.frUnrouted.id}`],
    ] as const) {
      for (const raw of ['{"a":', '{displayName: "x"}', "{'a': 1}", '{"a":1}}', '\u0000']) {
        const res = await refusedWithoutWrites(() =>
          admin.request(method, url, { raw, headers: { 'if-match': '"1"' } }),
        );
        expectProblem(res, 400, 'malformed_body', 'body');
      }
    }
  });

  it('an empty JSON body is a 400 malformed_body', async () => {
    const res = await refusedWithoutWrites(() => admin.request('POST', '/api/customers', { raw: '' }));
    expectProblem(res, 400, 'malformed_body', 'body');
  });

  it('a body that is not an object is a 400 naming the body', async () => {
    for (const raw of ['null', '[]', '"a customer"', '42', 'true']) {
      const res = await refusedWithoutWrites(() => admin.request('POST', '/api/customers', { raw }));
      expectProblem(res, 400, 'validation_failed', 'body');
    }
  });

  it('prototype pollution through __proto__ or constructor is refused and pollutes nothing', async () => {
    for (const raw of [
      `{"__proto__": {"polluted": true}, "subsidiaryId": "${f.subsidiaries.fr.id}", "displayName": "Proto"}`,
      `{"constructor": {"prototype": {"polluted": true}}, "subsidiaryId": "${f.subsidiaries.fr.id}", "displayName": "Ctor"}`,
    ]) {
      const res = await refusedWithoutWrites(() => admin.request('POST', '/api/customers', { raw }));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('a body that is not JSON is a 415 unsupported_media_type', async () => {
    const form = `subsidiaryId=${f.subsidiaries.fr.id}&displayName=Form`;
    for (const [type, raw] of [
      ['application/xml', '<customer><displayName>Xml</displayName></customer>'],
      ['application/x-www-form-urlencoded', form],
      [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="displayName"\r\n\r\nM\r\n--x--`,
      ],
    ]) {
      const res = await refusedWithoutWrites(() =>
        admin.request('POST', '/api/customers', { raw, headers: { 'content-type': type as string } }),
      );
      expectProblem(res, 415, 'unsupported_media_type');
    }
  });

  it('a text/plain body is a 415 unsupported_media_type too, not read as a JSON string', async () => {
    for (const [type, raw] of [
      ['text/plain', JSON.stringify({ subsidiaryId: f.subsidiaries.fr.id, displayName: 'Plain' })],
      ['text/plain; charset=utf-8', 'Plain'],
    ]) {
      const res = await refusedWithoutWrites(() =>
        admin.request('POST', '/api/customers', { raw, headers: { 'content-type': type as string } }),
      );
      expectProblem(res, 415, 'unsupported_media_type');
    }
  });

  it('a body over the limit (1 MiB by default) is a 413 payload_too_large, and writes nothing', async () => {
    const url = `/api/conversations/${f.conversations.frUnrouted.id}/messages`;
    const before = await conversationRow(f.conversations.frUnrouted.id);
    const huge = { text: 'x'.repeat(200_000), raw: 'y'.repeat(900_000) };
    const res = await refusedWithoutWrites(() => admin.post(url, huge));
    expectProblem(res, 413, 'payload_too_large');
    const customers = await refusedWithoutWrites(() =>
      admin.post('/api/customers', { ...validCustomer(), displayName: 'é'.repeat(600_000) }),
    );
    expectProblem(customers, 413, 'payload_too_large');
    expect(await conversationRow(f.conversations.frUnrouted.id)).toEqual(before);
  });
});

describe('a small body limit (RELAIS_BODY_LIMIT=2048)', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ RELAIS_BODY_LIMIT: '2048' });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('refuses a 3 KB body with 413 and writes nothing, and accepts a 1 KB one', async () => {
    const client = await small.as('fr.admin@test.example');
    const subsidiaryId = small.fixture.subsidiaries.fr.id;
    const before = await counts(small);
    const big = await client.post('/api/customers', {
      subsidiaryId,
      displayName: 'Big',
      approach: { notes: 'n'.repeat(3000) },
    });
    expectProblem(big, 413, 'payload_too_large');
    expect(await counts(small)).toEqual(before);
    const fits = await client.post('/api/customers', {
      subsidiaryId,
      displayName: 'Fits',
      approach: { notes: 'n'.repeat(900) },
    });
    expect(fits.status, fits.text).toBe(201);
  });
});

describe('wrong types and unknown fields', () => {
  it('a wrongly typed field is a 400 naming it', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/customers', { subsidiaryId: f.subsidiaries.fr.id, displayName: 42 }, 'body.displayName'],
      ['POST', '/api/customers', { subsidiaryId: 'FR', displayName: 'Not a UUID' }, 'body.subsidiaryId'],
      ['POST', '/api/customers', { ...validCustomer(), identities: { kind: 'email' } }, 'body.identities'],
      [
        'POST',
        '/api/customers',
        { ...validCustomer(), contactWindows: [{ days: [8], start: '09:00', end: '18:00' }] },
        'body.contactWindows.0.days.0',
      ],
      ['POST', '/api/subsidiaries', { ...validSubsidiary(), languages: 'es' }, 'body.languages'],
      ['POST', '/api/sites', { ...validSite(), seats: '40' }, 'body.seats'],
      [
        'POST',
        '/api/sites',
        { ...validSite(), costPerHour: { amountMinor: 22.5, currency: 'EUR' } },
        'body.costPerHour.amountMinor',
      ],
      ['POST', '/api/teams', { siteId: f.sites.paris.id, name: ['Fibre'] }, 'body.name'],
      [
        'POST',
        '/api/conversations',
        {
          subsidiaryId: f.subsidiaries.fr.id,
          customerId: f.customers.frUnrouted.id,
          channel: 'chat',
          message: { text: 42 },
        },
        'body.message.text',
      ],
      [
        'POST',
        '/api/conversations',
        {
          subsidiaryId: f.subsidiaries.fr.id,
          customerId: f.customers.frUnrouted.id,
          channel: 'pigeon',
          message: { text: 'hi' },
        },
        'body.channel',
      ],
      ['POST', `/api/conversations/${f.conversations.frUnrouted.id}/messages`, { text: '' }, 'body.text'],
      [
        'POST',
        `/api/customers/${f.customers.frUnrouted.id}/consent`,
        { level: 'always', source: 'web' },
        'body.level',
      ],
      ['POST', '/api/api-keys', { name: 'k', permissions: ['everything'] }, 'body.permissions.0'],
    ];
    for (const [method, url, body, path] of cases) {
      const res = await refusedWithoutWrites(() => admin.request(method, url, { body }));
      expectProblem(res, 400, 'validation_failed', path);
    }
    const conversation = f.conversations.frUnrouted.id;
    const before = await conversationRow(conversation);
    const res = await admin.patch(`/api/conversations/${conversation}`, { priority: 3 });
    expectProblem(res, 400, 'validation_failed', 'body.priority');
    const unknown = await admin.patch(`/api/conversations/${conversation}`, { status: 'archived' });
    expectProblem(unknown, 400, 'validation_failed', 'body.status');
    expect(await conversationRow(conversation)).toEqual(before);
  });

  it('an unknown field is a 400 naming it, at the top or nested', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/customers', { ...validCustomer(), colour: 'red' }, 'body.colour'],
      ['POST', '/api/customers', { ...validCustomer(), approach: { tone: 'warm' } }, 'body.approach.tone'],
      [
        'POST',
        '/api/conversations',
        {
          subsidiaryId: f.subsidiaries.fr.id,
          customerId: f.customers.frUnrouted.id,
          channel: 'chat',
          message: { text: 'hi', mood: 'angry' },
        },
        'body.message.mood',
      ],
      ['POST', '/api/subsidiaries', { ...validSubsidiary(), vat: 'ES123' }, 'body.vat'],
    ];
    for (const [method, url, body, path] of cases) {
      const res = await refusedWithoutWrites(() => admin.request(method, url, { body }));
      expectProblem(res, 400, 'validation_failed', path);
      expect(res.body.errors.find((e: { path: string }) => e.path === path)?.message).toBe(
        'is not a known field',
      );
    }
    const customer = f.customers.frUnrouted.id;
    const before = await customerRow(customer);
    expectProblem(
      await admin.patch(`/api/customers/${customer}`, { nickname: 'Chlo' }),
      400,
      'validation_failed',
      'body.nickname',
    );
    // The code of a subsidiary is set once.
    const fr = await subsidiaryRow(f.subsidiaries.fr.id);
    expectProblem(
      await admin.patch(`/api/subsidiaries/${fr.id}`, { code: 'FRA' }),
      400,
      'validation_failed',
      'body.code',
    );
    expect(await customerRow(customer)).toEqual(before);
    expect(await subsidiaryRow(fr.id)).toEqual(fr);
  });
});

describe('time zones, phone numbers and language tags', () => {
  it('an unknown time zone is a 400 naming timeZone, for a subsidiary, a site and a customer', async () => {
    for (const timeZone of ['Mars/Olympus', 'Europe/Pariss', 'GMT+25', '']) {
      for (const [url, body] of [
        ['/api/subsidiaries', { ...validSubsidiary(), timeZone }],
        ['/api/sites', { ...validSite(), timeZone }],
        ['/api/customers', { ...validCustomer(), timeZone }],
      ] as const) {
        const res = await refusedWithoutWrites(() => admin.post(url, body));
        expectProblem(res, 400, 'validation_failed', 'body.timeZone');
      }
    }
    const sub = await subsidiaryRow(f.subsidiaries.ma.id);
    const site = await siteRow(f.sites.casablanca.id);
    const customer = await customerRow(f.customers.maAtCasablanca.id);
    const updates = [
      admin.patch(`/api/subsidiaries/${sub.id}`, { timeZone: 'Mars/Olympus' }),
      admin.patch(`/api/sites/${site.id}`, { timeZone: 'Mars/Olympus' }),
      admin.patch(`/api/customers/${customer.id}`, { timeZone: 'Mars/Olympus' }),
    ];
    for (const res of await Promise.all(updates))
      expectProblem(res, 400, 'validation_failed', 'body.timeZone');
    expect(await subsidiaryRow(sub.id)).toEqual(sub);
    expect(await siteRow(site.id)).toEqual(site);
    expect(await customerRow(customer.id)).toEqual(customer);
  });

  it('an invalid country code is a 400 naming country, not a 500', async () => {
    for (const country of ['France', ' ', 'F', '99', 'fr', 'ZZZ']) {
      for (const [url, body] of [
        ['/api/subsidiaries', { ...validSubsidiary(), country }],
        ['/api/sites', { ...validSite(), country }],
        ['/api/customers', { ...validCustomer(), country }],
      ] as const) {
        const res = await refusedWithoutWrites(() => admin.post(url, body));
        expectProblem(res, 400, 'validation_failed', 'body.country');
      }
    }
    const customer = await customerRow(f.customers.frUnrouted.id);
    expectProblem(
      await admin.patch(`/api/customers/${customer.id}`, { country: 'France' }),
      400,
      'validation_failed',
      'body.country',
    );
    expect(await customerRow(customer.id)).toEqual(customer);
  });

  it('an invalid phone number is a 400 naming the identity, and no customer is half-created', async () => {
    for (const value of ['12', 'not a phone', '+33 1', '+999 123 456 789', '0612']) {
      const res = await refusedWithoutWrites(() =>
        admin.post('/api/customers', {
          ...validCustomer(),
          identities: [
            { kind: 'email', value: `ok.${next()}@client.example` },
            { kind: 'phone', value },
          ],
        }),
      );
      expectProblem(res, 400, 'validation_failed', 'identities.1.value');
    }
    const whatsapp = await refusedWithoutWrites(() =>
      admin.post('/api/customers', { ...validCustomer(), identities: [{ kind: 'whatsapp', value: 'abc' }] }),
    );
    expectProblem(whatsapp, 400, 'validation_failed', 'identities.0.value');

    const customer = await customerRow(f.customers.frUnrouted.id);
    const added = await refusedWithoutWrites(() =>
      admin.post(`/api/customers/${customer.id}/identities`, { kind: 'phone', value: '+33 1' }),
    );
    expectProblem(added, 400, 'validation_failed', 'value');
    expect(await customerRow(customer.id)).toEqual(customer);

    const opened = await refusedWithoutWrites(() =>
      admin.post('/api/conversations', {
        subsidiaryId: f.subsidiaries.fr.id,
        channel: 'sms',
        customer: { identity: { kind: 'phone', value: 'call me maybe' } },
        message: { text: 'Allô ?' },
      }),
    );
    expectProblem(opened, 400, 'validation_failed', 'customer.identity.value');
  });

  it('an identity given twice, or held by another customer, writes no customer at all', async () => {
    const twice = await refusedWithoutWrites(() =>
      admin.post('/api/customers', {
        ...validCustomer(),
        identities: [
          { kind: 'phone', value: '06 98 76 54 32' },
          { kind: 'phone', value: '+33698765432' },
        ],
      }),
    );
    expectProblem(twice, 400, 'validation_failed', 'identities.1.value');
    // The customer row is inserted before its identities are checked: the transaction must undo it.
    const taken = await refusedWithoutWrites(() =>
      admin.post('/api/customers', {
        ...validCustomer(),
        identities: [{ kind: 'email', value: 'LUCAS@client.example' }],
      }),
    );
    expectProblem(taken, 409, 'duplicate_identity', 'identities.0.value');
  });

  it('an invalid language tag is a 400 naming the field', async () => {
    const conversation = f.conversations.frUnrouted.id;
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/customers', { ...validCustomer(), language: 'not a tag!!' }, 'body.language'],
      [
        'POST',
        '/api/subsidiaries',
        { ...validSubsidiary(), languages: ['es', 'not a tag!!'] },
        'body.languages.1',
      ],
      [
        'POST',
        '/api/subsidiaries',
        { ...validSubsidiary(), defaultLanguage: 'español' },
        'body.defaultLanguage',
      ],
      [
        'POST',
        '/api/sites',
        { ...validSite(), languages: [{ tag: 'x', proficiency: 3 }] },
        'body.languages.0.tag',
      ],
      [
        'POST',
        `/api/conversations/${conversation}/messages`,
        { text: 'hi', language: 'not a tag!!' },
        'body.language',
      ],
      [
        'POST',
        '/api/users',
        {
          email: `l${next()}@test.example`,
          displayName: 'L',
          locale: 'en_US!!',
          role: 'analyst',
          scope: { kind: 'group' },
        },
        'body.locale',
      ],
      [
        'POST',
        '/api/conversations',
        {
          subsidiaryId: f.subsidiaries.fr.id,
          customerId: f.customers.frUnrouted.id,
          channel: 'chat',
          language: '12345',
          message: { text: 'hi' },
        },
        'body.language',
      ],
    ];
    for (const [method, url, body, path] of cases) {
      const res = await refusedWithoutWrites(() => admin.request(method, url, { body }));
      expectProblem(res, 400, 'validation_failed', path);
    }
    const customer = await customerRow(f.customers.frUnrouted.id);
    expectProblem(
      await admin.patch(`/api/customers/${customer.id}`, { language: 'not a tag!!' }),
      400,
      'validation_failed',
      'body.language',
    );
    expect(await customerRow(customer.id)).toEqual(customer);
    const before = await conversationRow(conversation);
    expectProblem(
      await admin.patch(`/api/conversations/${conversation}`, { language: '' }),
      400,
      'validation_failed',
      'body.language',
    );
    expect(await conversationRow(conversation)).toEqual(before);
  });

  it('a language that is not among the subsidiary languages is refused as its default', async () => {
    const res = await refusedWithoutWrites(() =>
      admin.post('/api/subsidiaries', { ...validSubsidiary(), languages: ['es'], defaultLanguage: 'fr' }),
    );
    expectProblem(res, 400, 'validation_failed', 'defaultLanguage');
  });
});

describe('text the database cannot store', () => {
  // PostgreSQL text and jsonb hold neither NUL characters nor unpaired surrogates: the API
  // must refuse them as bad input, not fail with a 500.
  it('a NUL character in a text field is a 400 naming it, not a 500', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      [
        'POST',
        '/api/customers',
        { ...validCustomer(), displayName: 'Léa\u0000Fontaine' },
        'body.displayName',
      ],
      [
        'POST',
        '/api/customers',
        { ...validCustomer(), approach: { notes: 'a\u0000b' } },
        'body.approach.notes',
      ],
      [
        'POST',
        `/api/conversations/${f.conversations.frUnrouted.id}/messages`,
        { text: 'hi\u0000' },
        'body.text',
      ],
      [
        'POST',
        `/api/conversations/${f.conversations.frUnrouted.id}/messages`,
        { text: 'hi', externalId: '\u0000' },
        'body.externalId',
      ],
      ['POST', '/api/teams', { siteId: f.sites.paris.id, name: 'Fi\u0000bre' }, 'body.name'],
    ];
    for (const [method, url, body, path] of cases) {
      const res = await refusedWithoutWrites(() => admin.request(method, url, { body }));
      expectProblem(res, 400, 'validation_failed', path);
    }
  });

  it('an unpaired surrogate in a text field is a 400 naming it, not a 500', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/customers', { ...validCustomer(), displayName: 'Léa \ud800' }, 'body.displayName'],
      [
        'POST',
        '/api/customers',
        { ...validCustomer(), approach: { notes: '\udfff' } },
        'body.approach.notes',
      ],
      [
        'POST',
        `/api/conversations/${f.conversations.frUnrouted.id}/messages`,
        { text: 'bonjour \ud83d' },
        'body.text',
      ],
    ];
    for (const [method, url, body, path] of cases) {
      const res = await refusedWithoutWrites(() => admin.request(method, url, { body }));
      expectProblem(res, 400, 'validation_failed', path);
    }
  });

  it('a NUL character in a search term is a 400 naming it, not a 500', async () => {
    for (const [url, path] of [
      ['/api/customers?q=a%00b', 'querystring.q'],
      ['/api/conversations?q=a%00b', 'querystring.q'],
      ['/api/subsidiaries?q=%00', 'querystring.q'],
      ['/api/audit?entity=a%00b', 'querystring.entity'],
    ] as const) {
      expectProblem(await admin.get(url), 400, 'validation_failed', path);
    }
  });

  it('a due time PostgreSQL cannot store (year 0) is a 400 naming it, not a 500', async () => {
    const conversation = f.conversations.frUnrouted.id;
    const before = await conversationRow(conversation);
    const res = await admin.patch(`/api/conversations/${conversation}`, {
      firstResponseDueAt: '0000-01-01T00:00:00Z',
    });
    expectProblem(res, 400, 'validation_failed', 'body.firstResponseDueAt');
    expect(await conversationRow(conversation)).toEqual(before);
  });
});

describe('status, preconditions, ids and queries', () => {
  it('an illegal status transition (open → closed) is a 409 illegal_transition naming status, and changes nothing', async () => {
    const id = f.conversations.frUnrouted.id;
    const url = `/api/conversations/${id}`;
    const before = await conversationRow(id);
    expect(before.status).toBe('open');
    const res = await refusedWithoutWrites(() => admin.patch(url, { status: 'closed' }));
    expectProblem(res, 409, 'illegal_transition', 'status');
    expect(await conversationRow(id)).toEqual(before);

    const noAssignee = await admin.patch(url, { status: 'assigned' });
    expectProblem(noAssignee, 400, 'validation_failed', 'assigneeId');
    expect(await conversationRow(id)).toEqual(before);
  });

  it('a closed conversation takes no more messages: 409, nothing written', async () => {
    const opened = await admin.post('/api/conversations', {
      subsidiaryId: f.subsidiaries.fr.id,
      customerId: f.customers.frAtCasablanca.id,
      channel: 'email',
      message: { text: 'Résiliation' },
    });
    expect(opened.status, opened.text).toBe(201);
    const url = `/api/conversations/${opened.body.id}`;
    expect((await admin.patch(url, { status: 'resolved' })).status).toBe(200);
    expect((await admin.patch(url, { status: 'closed' })).status).toBe(200);
    const before = await conversationRow(opened.body.id);
    const res = await refusedWithoutWrites(() =>
      admin.post(`${url}/messages`, { text: 'Encore une question' }),
    );
    expectProblem(res, 409, 'illegal_transition', 'status');
    expectProblem(await admin.patch(url, { status: 'open' }), 409, 'illegal_transition', 'status');
    expect(await conversationRow(opened.body.id)).toEqual(before);
  });

  it('an invalid, missing or stale If-Match changes nothing', async () => {
    const id = f.customers.frAtBucharest.id;
    const url = `/api/customers/${id}`;
    const before = await customerRow(id);
    for (const tag of ['garbage', '3', '"abc"', 'W/"x"', '*', '"1", "2"', `"${'9'.repeat(12)}"`]) {
      const res = await admin.request('PATCH', url, {
        body: { displayName: 'Bad tag' },
        headers: { 'if-match': tag },
      });
      expectProblem(res, 412, 'precondition_failed');
    }
    expectProblem(
      await admin.request('PATCH', url, { body: { displayName: 'No tag' } }),
      428,
      'precondition_required',
    );
    expectProblem(
      await admin.patch(url, { displayName: 'Stale' }, `"${before.version + 7}"`),
      412,
      'precondition_failed',
    );
    expect(await customerRow(id)).toEqual(before);
  });

  it('a non-UUID id in the path is a 400 naming the parameter', async () => {
    const conversation = f.conversations.frUnrouted.id;
    for (const [method, url, path] of [
      ['GET', '/api/customers/123', 'params.id'],
      ['GET', '/api/conversations/not-a-uuid', 'params.id'],
      ['PATCH', '/api/conversations/abc', 'params.id'],
      ['POST', '/api/customers/xyz/identities', 'params.id'],
      ['DELETE', '/api/api-keys/1', 'params.id'],
      ['GET', `/api/conversations/${conversation}/messages/zzz`, 'params.messageId'],
      ['PUT', '/api/agents/not-an-id/presence', 'params.id'],
    ] as const) {
      const body =
        method === 'GET' || method === 'DELETE'
          ? undefined
          : { presence: 'away', kind: 'email', value: 'a@b.example' };
      const res = await refusedWithoutWrites(() =>
        admin.request(method, url, { ...(body ? { body } : {}), headers: { 'if-match': '"1"' } }),
      );
      expectProblem(res, 400, 'validation_failed', path);
    }
  });

  it('unknown or invalid query parameters on lists are a 400 naming them', async () => {
    for (const [url, path] of [
      ['/api/customers?colour=red', 'querystring.colour'],
      ['/api/conversations?sort=desc', 'querystring.sort'],
      ['/api/audit?foo=1', 'querystring.foo'],
      ['/api/sites?subsidiary=FR', 'querystring.subsidiary'],
      ['/api/customers?limit=0', 'querystring.limit'],
      ['/api/customers?limit=abc', 'querystring.limit'],
      ['/api/customers?limit=1000', 'querystring.limit'],
      ['/api/conversations?status=archived', 'querystring.status'],
      ['/api/conversations?subsidiaryId=FR', 'querystring.subsidiaryId'],
      ['/api/customers?q=', 'querystring.q'],
    ] as const) {
      expectProblem(await admin.get(url), 400, 'validation_failed', path);
    }
    expectProblem(await admin.get('/api/customers?cursor=zzzz'), 400, 'validation_failed', 'cursor');
  });
});

// ---------------------------------------------------------------------------------------
// Property tests: generated bodies at every create and update endpoint.

/** Values that break naive code: wrong types, edge numbers, empty, huge, emoji, RTL, NUL… */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    2 ** 31,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff x',
    '😀',
    '👩🏽‍💻'.repeat(40),
    'مرحبا بالعالم',
    'שלום עולם',
    '\u202Egnp.exe',
    'x'.repeat(70_000),
    '%',
    '_',
    '\\',
    "'; drop table customers; --",
    '0',
    'true',
    'null',
    '[]',
    '{}',
    'Mars/Olympus',
    'not a tag!!',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-02-30T10:00:00Z',
    '24:00',
    '99:99',
    'ZZ',
    'XXX',
    [],
    {},
    [null],
    ['x'],
    { a: 1 },
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.uuid(),
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * Nasty values, and valid values of the wrong kind or in the wrong place: the ids of the
 * fixture's records, other statuses, codes and tags, so that mutations reach the checks
 * behind the schemas (scope, routing, lifecycle, uniqueness).
 */
function wild(): fc.Arbitrary<unknown> {
  const ids = [
    ...Object.values(f.subsidiaries),
    ...Object.values(f.sites),
    ...Object.values(f.agents),
    ...Object.values(f.customers),
    ...Object.values(f.conversations),
    ...Object.values(f.users),
  ].map((r) => r.id);
  const known = fc.constantFrom<unknown>(
    ...ids,
    ...Object.values(targets),
    'open',
    'assigned',
    'pending',
    'resolved',
    'closed',
    'MA',
    'RO',
    'ar',
    'ar-MA',
    'zh-Hans',
    'MAD',
    'Africa/Casablanca',
    'UTC',
    'partner',
    'in_house',
    'level2',
    'expert',
    'voice',
    'whatsapp',
    'admin',
    'agent',
    { kind: 'group' },
    { kind: 'site', siteId: f.sites.bucharest.id },
    { kind: 'subsidiary', subsidiaryId: f.subsidiaries.ma.id },
    'fr.admin@test.example',
    'lucas@client.example',
    '+212612345678',
    '06 12 34 56 78',
  );
  return fc.oneof({ weight: 3, arbitrary: nasty }, { weight: 2, arbitrary: known });
}

type Path = string[];

/** Every path into a JSON value: its fields, its items, and theirs. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...prefix, String(i)]));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  }
  return out;
}

type Op =
  | { path: Path; action: 'delete' }
  | { path: Path; action: 'set'; value: unknown }
  | { path: Path; action: 'taint'; with: string };

/** Characters PostgreSQL text and jsonb cannot hold (NUL, unpaired surrogates), and other oddities. */
const taints = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  '\u200b',
  '😀',
  '\r\n',
  '%',
  '\\',
);

function applyOps(body: unknown, ops: Op[]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const op of ops) {
    let parent: unknown = copy;
    for (const key of op.path.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = (parent as Record<string, unknown>)[key];
    }
    if (parent === null || typeof parent !== 'object') continue;
    const last = op.path.at(-1) as string;
    const target = parent as Record<string, unknown>;
    if (op.action === 'delete') {
      if (Array.isArray(target)) target.splice(Number(last), 1);
      else delete target[last];
    } else if (op.action === 'taint') {
      // A valid string with one odd character in its middle: it passes the schema's shape checks.
      const current = target[last];
      if (typeof current === 'string') {
        const at = Math.floor(current.length / 2);
        target[last] = `${current.slice(0, at)}${op.with}${current.slice(at)}`;
      }
    } else {
      target[last] = op.value;
    }
  }
  return copy;
}

const at = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>(
    (o, k) => (o === null || typeof o !== 'object' ? undefined : (o as Record<string, unknown>)[k]),
    value,
  );

/**
 * Runs made first, every time: each string of the valid body with a NUL in its middle,
 * and all of them with an unpaired surrogate — the inputs most likely to reach the store.
 */
function taintedExamples(sample: unknown): [Recipe][] {
  const strings = pathsOf(sample).filter((p) => typeof at(sample, p) === 'string');
  return [
    ...strings.map((path): [Recipe] => [
      { kind: 'mutate', ops: [{ path, action: 'taint', with: '\u0000' }] },
    ]),
    [{ kind: 'mutate', ops: strings.map((path): Op => ({ path, action: 'taint', with: '\ud800' })) }],
  ];
}

/** What a run sends: any JSON, the real field names with wild values, or a valid body mutated. */
type Recipe =
  | { kind: 'json'; value: unknown }
  | { kind: 'fields'; value: Record<string, unknown> }
  | { kind: 'mutate'; ops: Op[] };

function recipes(sample: unknown, extraFields: string[]): fc.Arbitrary<Recipe> {
  const value = wild();
  const paths = pathsOf(sample);
  const objectPaths = [
    [],
    ...paths.filter((p) => {
      const v = at(sample, p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    }),
  ];
  const names = [...new Set([...Object.keys(sample as object), ...extraFields])];
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ path: fc.constantFrom(...paths), action: fc.constant('delete' as const) }),
    fc.record({ path: fc.constantFrom(...paths), action: fc.constant('set' as const), value }),
    fc.record({ path: fc.constantFrom(...paths), action: fc.constant('taint' as const), with: taints }),
    fc
      .record({ at: fc.constantFrom(...objectPaths), key: fc.string({ minLength: 1, maxLength: 12 }), value })
      .map(({ at, key, value }): Op => ({ path: [...at, key], action: 'set', value })),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue().map((value): Recipe => ({ kind: 'json', value })) },
    {
      weight: 2,
      arbitrary: fc
        .record(Object.fromEntries(names.map((k) => [k, value])), { requiredKeys: [] })
        .map((value): Recipe => ({ kind: 'fields', value })),
    },
    {
      weight: 4,
      arbitrary: fc.array(op, { minLength: 0, maxLength: 3 }).map((ops): Recipe => ({ kind: 'mutate', ops })),
    },
  );
}

interface Endpoint {
  name: string;
  method: 'POST' | 'PATCH';
  url: () => string;
  /** A valid body, fresh each time (unique codes, emails, phone numbers). */
  valid: () => Record<string, unknown>;
  /** Field names the valid body leaves out. */
  extra?: string[];
  /** For updates: the target row, which a refused request must leave as it was. */
  row?: () => Promise<{ version: number }>;
}

const targets = {
  subsidiaryId: '',
  siteId: '',
  teamId: '',
  agentId: '',
  userId: '',
  customerId: '',
  conversationId: '',
  messagesConversationId: '',
};

const tableRow =
  (
    table: 'subsidiaries' | 'sites' | 'teams' | 'agents' | 'users' | 'customers' | 'conversations',
    id: () => string,
  ) =>
  async () =>
    (await server.db.selectFrom(table).selectAll().where('id', '=', id()).executeTakeFirstOrThrow()) as {
      version: number;
    };

const endpoints: Endpoint[] = [
  { name: 'POST /api/subsidiaries', method: 'POST', url: () => '/api/subsidiaries', valid: validSubsidiary },
  { name: 'POST /api/sites', method: 'POST', url: () => '/api/sites', valid: validSite },
  {
    name: 'POST /api/teams',
    method: 'POST',
    url: () => '/api/teams',
    valid: () => ({ siteId: targets.siteId, name: `Équipe ${next()}` }),
  },
  {
    name: 'POST /api/agents',
    method: 'POST',
    url: () => '/api/agents',
    valid: () => ({
      user: { email: `agent.${next()}@fuzz.example`, displayName: 'Agent Fuzz', locale: 'pt' },
      siteId: targets.siteId,
      teamId: targets.teamId,
      tier: 'level1',
      languages: [{ tag: 'fr', proficiency: 4 }],
      skills: [{ name: 'billing', proficiency: 3 }],
      capacity: { perChannel: { chat: 3, email: 2 }, total: 4 },
    }),
    extra: ['password'],
  },
  {
    name: 'POST /api/users',
    method: 'POST',
    url: () => '/api/users',
    valid: () => ({
      email: `user.${next()}@fuzz.example`,
      displayName: 'Utilisateur Fuzz',
      locale: 'fr',
      role: 'analyst',
      scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id },
    }),
    extra: ['password'],
  },
  { name: 'POST /api/customers', method: 'POST', url: () => '/api/customers', valid: validCustomer },
  {
    name: 'POST /api/conversations',
    method: 'POST',
    url: () => '/api/conversations',
    valid: () => {
      const i = next();
      return {
        subsidiaryId: f.subsidiaries.fr.id,
        customer: {
          identity: { kind: 'email', value: `caller.${i}@fuzz.example` },
          otherIdentities: [{ kind: 'phone', value: `+33612${String(i % 1_000_000).padStart(6, '0')}` }],
          displayName: 'Appelant',
          language: 'fr',
        },
        channel: 'chat',
        subject: 'Panne de fibre',
        language: 'fr',
        tier: 'level1',
        requiredSkills: ['billing'],
        priority: 'high',
        siteId: targets.siteId,
        firstResponseDueAt: '2026-11-23T10:00:00+01:00',
        resolutionDueAt: '2026-11-25T10:00:00Z',
        message: {
          direction: 'inbound',
          text: 'Bonjour, ma fibre est coupée',
          externalId: `chat-${i}`,
          attachments: [{ filename: 'photo.jpg', mediaType: 'image/jpeg', size: 12345 }],
        },
      };
    },
    extra: ['customerId'],
  },
  {
    name: 'POST /api/conversations/:id/messages',
    method: 'POST',
    url: () => `/api/conversations/${targets.messagesConversationId}/messages`,
    valid: () => ({
      direction: 'inbound',
      channel: 'email',
      text: 'Toujours en panne',
      raw: 'Subject: panne\r\n\r\nToujours en panne',
      rawMediaType: 'message/rfc822',
      attachments: [{ filename: 'log.txt', mediaType: 'text/plain', size: 42 }],
      language: 'fr',
      externalId: `mail-${next()}`,
    }),
  },
  {
    name: 'POST /api/customers/:id/identities',
    method: 'POST',
    url: () => `/api/customers/${targets.customerId}/identities`,
    valid: () => ({ kind: 'email', value: `alias.${next()}@client.example` }),
  },
  {
    name: 'POST /api/customers/:id/consent',
    method: 'POST',
    url: () => `/api/customers/${targets.customerId}/consent`,
    valid: () => ({ level: 'marketing', source: 'web', note: 'Case cochée' }),
  },
  {
    name: 'POST /api/api-keys',
    method: 'POST',
    url: () => '/api/api-keys',
    valid: () => ({
      name: 'Intégration',
      permissions: ['customers:read', 'conversations:read'],
      scope: { kind: 'subsidiary', subsidiaryId: f.subsidiaries.fr.id },
    }),
  },
  {
    name: 'POST /api/endpoints',
    method: 'POST',
    url: () => '/api/endpoints',
    valid: () => ({
      subsidiaryId: f.subsidiaries.fr.id,
      channel: 'email',
      address: `boite${next()}@fr.test.example`,
      name: 'Boîte',
    }),
  },
  {
    name: 'POST /api/channels/voice/events',
    method: 'POST',
    url: () => '/api/channels/voice/events',
    valid: () => ({
      event: 'missed',
      callId: `call-${next()}`,
      from: '06 12 34 56 78',
      to: '+33140000000',
      at: '2026-11-23T09:15:00+01:00',
    }),
  },
  {
    name: 'POST /api/channels/letters',
    method: 'POST',
    url: () => '/api/channels/letters',
    valid: () => ({
      subsidiaryId: f.subsidiaries.fr.id,
      sender: {
        name: 'Gérard Lambert',
        identity: { kind: 'email', value: `lettre${next()}@client.example` },
      },
      scan: {
        filename: 'courrier.pdf',
        mediaType: 'application/pdf',
        contentBase64: Buffer.from(`%PDF-1.4 ${next()}`).toString('base64'),
      },
    }),
  },
  {
    name: 'POST /api/routing-queues',
    method: 'POST',
    url: () => '/api/routing-queues',
    valid: () => ({
      subsidiaryId: f.subsidiaries.fr.id,
      name: `File ${next()}`,
      requiredSkills: [{ name: 'billing', minProficiency: 2 }],
      optionalSkills: [{ name: 'fibre', minProficiency: 3 }],
      rings: [
        { afterSeconds: 0, sites: [f.sites.bucharest.id], optionalSkills: 'all' },
        { afterSeconds: 60, sites: null, dropSkills: ['fibre'] },
      ],
    }),
  },
  {
    name: 'PATCH /api/subsidiaries/:id',
    method: 'PATCH',
    url: () => `/api/subsidiaries/${targets.subsidiaryId}`,
    valid: () => ({
      name: 'Test Portugal',
      country: 'PT',
      languages: ['pt', 'fr'],
      defaultLanguage: 'pt',
      timeZone: 'Europe/Lisbon',
      currency: 'EUR',
      dataRegion: 'eu-south',
    }),
    row: tableRow('subsidiaries', () => targets.subsidiaryId),
  },
  {
    name: 'PATCH /api/sites/:id',
    method: 'PATCH',
    url: () => `/api/sites/${targets.siteId}`,
    valid: () => {
      const { code: _code, ...rest } = validSite();
      return { ...rest, subsidiaryIds: [f.subsidiaries.fr.id, targets.subsidiaryId] };
    },
    row: tableRow('sites', () => targets.siteId),
  },
  {
    name: 'PATCH /api/teams/:id',
    method: 'PATCH',
    url: () => `/api/teams/${targets.teamId}`,
    valid: () => ({ name: `Fibre ${next()}` }),
    row: tableRow('teams', () => targets.teamId),
  },
  {
    name: 'PATCH /api/agents/:id',
    method: 'PATCH',
    url: () => `/api/agents/${targets.agentId}`,
    valid: () => ({
      teamId: targets.teamId,
      tier: 'level1',
      languages: [{ tag: 'pt', proficiency: 5 }],
      skills: [{ name: 'technical', proficiency: 2 }],
      capacity: { perChannel: { chat: 2 }, total: 2 },
    }),
    row: tableRow('agents', () => targets.agentId),
  },
  {
    name: 'PATCH /api/users/:id',
    method: 'PATCH',
    url: () => `/api/users/${targets.userId}`,
    valid: () => ({ displayName: 'Renommé', locale: 'fr-FR', active: true }),
    extra: ['password'],
    row: tableRow('users', () => targets.userId),
  },
  {
    name: 'PATCH /api/customers/:id',
    method: 'PATCH',
    url: () => `/api/customers/${targets.customerId}`,
    valid: () => {
      const { subsidiaryId: _s, consentLevel: _c, identities: _i, ...rest } = validCustomer();
      return rest;
    },
    row: tableRow('customers', () => targets.customerId),
  },
  {
    name: 'PATCH /api/conversations/:id',
    method: 'PATCH',
    url: () => `/api/conversations/${targets.conversationId}`,
    valid: () => ({
      priority: 'urgent',
      tier: 'level1',
      requiredSkills: ['technical'],
      language: 'fr',
      subject: 'Relance',
      firstResponseDueAt: '2026-11-23T09:00:00Z',
      resolutionDueAt: null,
    }),
    extra: ['status', 'assigneeId', 'siteId'],
    row: tableRow('conversations', () => targets.conversationId),
  },
];

describe('generated bodies at every create and update endpoint', () => {
  beforeAll(async () => {
    const created = async (url: string, body: unknown): Promise<string> => {
      const res = await admin.post(url, body);
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    targets.subsidiaryId = await created('/api/subsidiaries', validSubsidiary());
    // The number the generated call events are made to.
    await created('/api/endpoints', {
      subsidiaryId: f.subsidiaries.fr.id,
      channel: 'voice',
      address: '+33140000000',
      name: 'Hotline',
    });
    targets.siteId = await created('/api/sites', {
      ...validSite(),
      subsidiaryIds: [f.subsidiaries.fr.id, targets.subsidiaryId],
    });
    targets.teamId = await created('/api/teams', { siteId: targets.siteId, name: 'Cible' });
    targets.agentId = await created('/api/agents', {
      user: { email: 'target.agent@fuzz.example', displayName: 'Cible' },
      siteId: targets.siteId,
      tier: 'level1',
      languages: [{ tag: 'fr', proficiency: 5 }],
      capacity: { perChannel: { chat: 2 }, total: 2 },
    });
    targets.userId = await created('/api/users', {
      email: 'target.user@fuzz.example',
      displayName: 'Cible',
      role: 'supervisor',
      scope: { kind: 'subsidiary', subsidiaryId: targets.subsidiaryId },
    });
    targets.customerId = await created('/api/customers', validCustomer());
    const conversation = (text: string) => ({
      subsidiaryId: f.subsidiaries.fr.id,
      customerId: targets.customerId,
      channel: 'email',
      message: { text },
    });
    targets.conversationId = await created('/api/conversations', conversation('Cible des changements'));
    targets.messagesConversationId = await created('/api/conversations', conversation('Cible des messages'));
  });

  for (const endpoint of endpoints) {
    it(`${endpoint.name}: never a 5xx, and a refusal is problem+json that writes nothing`, async () => {
      const send = async (body: unknown) => {
        const row = endpoint.row ? await endpoint.row() : undefined;
        const headers: Record<string, string> = row ? { 'if-match': `"${row.version}"` } : {};
        const res = await admin.request(endpoint.method, endpoint.url(), {
          raw: JSON.stringify(body),
          headers,
        });
        return { res, row };
      };
      // The valid body is valid: the generated ones start from the edge of the schema.
      const control = await send(endpoint.valid());
      expect(control.res.status, control.res.text).toBeLessThan(300);

      await fc.assert(
        fc.asyncProperty(recipes(endpoint.valid(), endpoint.extra ?? []), async (recipe) => {
          const body =
            recipe.kind === 'json'
              ? recipe.value
              : recipe.kind === 'fields'
                ? recipe.value
                : applyOps(endpoint.valid(), recipe.ops);
          const before = await counts();
          const { res, row } = await send(body);
          const what = `${endpoint.method} ${endpoint.url()} ${JSON.stringify(body).slice(0, 400)} → ${res.status} ${res.text.slice(0, 400)}`;
          expect(res.status, what).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
            expect(typeof res.body?.code, what).toBe('string');
            expect(res.body.status, what).toBe(res.status);
            expect(await counts(), what).toEqual(before);
            if (endpoint.row) expect(await endpoint.row(), what).toEqual(row);
            return;
          }
          expect(res.status, what).toBeGreaterThanOrEqual(200);
          if (row && endpoint.row) {
            // An accepted change is whole: one new version, as the answer says.
            const after = await endpoint.row();
            expect(after.version, what).toBe(row.version + 1);
            expect(res.body.version, what).toBe(after.version);
            expect(res.headers.etag, what).toBe(`"${after.version}"`);
          }
        }),
        { numRuns: 50, examples: taintedExamples(endpoint.valid()) },
      );
    });
  }
});
