import { describe, expect, it } from 'vitest';

// The web app is not a module of src/: it is loaded as the browser loads it, by its path.
const { lastInbound, quoteMessage, withQuote } = await import('../../web/src/conversation/quote.ts');
const { tomorrowAt, zonedInstant, knownTimeZone } = await import('../../web/src/conversation/snooze.ts');
const { replyChannels, defaultChannel, hasPublicComments } = await import(
  '../../web/src/conversation/channels.ts'
);
const { searchReplies, needsOrder } = await import('../../web/src/conversation/savedReplies.ts');
const { problemOf } = await import('../../web/src/conversation/problems.ts');

type Detail = Parameters<typeof defaultChannel>[0];
type Customer = NonNullable<Parameters<typeof replyChannels>[1]>;

/** A refusal as the web app's API client throws one. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** A message as the API gives it, with what these helpers read. */
interface Msg {
  direction: 'inbound' | 'outbound';
  channel: string;
  text: string;
  createdAt: string;
  internal?: boolean;
  visibility: 'public' | 'private' | null;
}
const message = (over: Partial<Msg> & Pick<Msg, 'direction' | 'channel'>): Msg => ({
  text: 'texte',
  createdAt: '2026-03-28T10:15:00Z',
  visibility: null,
  ...over,
});

const conversation = (over: Partial<Detail>): Detail =>
  ({ id: 'c', channel: 'email', channels: ['email'], messages: [], ...over }) as Detail;
const customer = (identities: Array<{ kind: string; value: string }>): Customer =>
  ({ identities: identities.map((i, n) => ({ id: String(n), ...i })) }) as Customer;

describe('quoting the customer’s last message', () => {
  it('quotes the latest inbound message, never a note nor an agent’s reply', () => {
    const messages = [
      message({ direction: 'inbound', channel: 'email', text: 'premier' }),
      message({ direction: 'inbound', channel: 'email', text: 'dernier' }),
      message({ direction: 'outbound', channel: 'email', text: 'notre réponse' }),
      message({ direction: 'inbound', channel: 'email', text: 'note', internal: true }),
    ];
    expect(lastInbound(messages)?.text).toBe('dernier');
    expect(lastInbound([])).toBeUndefined();
  });

  it('writes the header in the customer’s language and zone, then each line behind "> "', () => {
    const quote = quoteMessage(
      {
        direction: 'inbound',
        text: 'Bonjour,\r\n\r\nma facture est fausse.\n',
        createdAt: '2026-03-28T10:15:00Z',
      },
      {
        language: 'fr',
        timeZone: 'America/Martinique',
        name: 'Camille Martin',
        header: ({ date, name }) => `Le ${date}, ${name} a écrit :`,
      },
    );
    expect(quote).toBe(
      'Le 28 mars 2026 à 06:15, Camille Martin a écrit :\n> Bonjour,\n>\n> ma facture est fausse.',
    );
  });

  it('falls back to the agent’s zone when the customer’s is unknown to Intl', () => {
    const quote = quoteMessage(
      { direction: 'inbound', text: 'x', createdAt: '2026-03-28T10:15:00Z' },
      { language: 'en-GB', timeZone: 'Mars/Olympus', name: 'A', header: ({ date }) => date },
    );
    expect(quote).toMatch(/^28 March 2026/);
  });

  it('puts the quote below the reply, a blank line between; none when not asked', () => {
    expect(withQuote('Merci.\n\n', '> x')).toBe('Merci.\n\n> x');
    expect(withQuote('Merci.', undefined)).toBe('Merci.');
  });
});

describe('snooze presets', () => {
  const now = new Date('2026-03-28T22:30:00Z');

  it('finds tomorrow 09:00 on the customer’s clock, whatever day it is for the agent', () => {
    // 22:30 UTC on the 28th is already the 29th in Tokyo and still the 28th in Martinique.
    expect(tomorrowAt(now, 'Asia/Tokyo').toISOString()).toBe('2026-03-30T00:00:00.000Z');
    expect(tomorrowAt(now, 'America/Martinique').toISOString()).toBe('2026-03-29T13:00:00.000Z');
  });

  it('follows a change of time between now and tomorrow (Paris goes to summer time on 29 March 2026)', () => {
    // 23:30 in Paris on the 28th, winter time; 09:00 on the 29th is summer time already.
    expect(tomorrowAt(now, 'Europe/Paris').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    // Past midnight in Paris (00:30 on the 29th): tomorrow is the 30th.
    expect(tomorrowAt(new Date('2026-03-28T23:30:00Z'), 'Europe/Paris').toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    // A time the clocks skip comes out as the clocks show it, an hour later.
    expect(zonedInstant({ year: 2026, month: 3, day: 29 }, 2, 30, 'Europe/Paris').toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('knows which time zones Intl can use', () => {
    expect(knownTimeZone('Africa/Casablanca')).toBe(true);
    expect(knownTimeZone('Mars/Olympus')).toBe(false);
    expect(knownTimeZone(null)).toBe(false);
  });
});

describe('the channels a reply can leave on', () => {
  it('offers the conversation’s channels and those the customer’s identities reach, never voice or letters', () => {
    const c = conversation({ channel: 'voice', channels: ['voice', 'mail', 'email'] });
    expect(replyChannels(c, customer([{ kind: 'phone', value: '+33612345678' }]))).toEqual(['email', 'sms']);
    expect(replyChannels(c, null)).toEqual(['email']);
    // Social and chat answer inside their own thread: an identity alone does not offer them.
    expect(replyChannels(conversation({}), customer([{ kind: 'facebook', value: 'page:42' }]))).toEqual([
      'email',
    ]);
    expect(replyChannels(conversation({}), customer([{ kind: 'whatsapp', value: '+212600000000' }]))).toEqual(
      ['email', 'whatsapp'],
    );
  });

  it('defaults to the channel the customer last wrote on', () => {
    const c = conversation({
      channels: ['email', 'sms'],
      messages: [
        message({ direction: 'inbound', channel: 'email' }),
        message({ direction: 'inbound', channel: 'sms' }),
        message({ direction: 'outbound', channel: 'email' }),
      ],
    });
    expect(defaultChannel(c, ['email', 'sms'])).toBe('sms');
    expect(defaultChannel(conversation({ channel: 'voice', channels: ['voice'] }), ['sms'])).toBe('sms');
    expect(defaultChannel(conversation({}), [])).toBeUndefined();
  });

  it('asks public or private only when the customer commented publicly', () => {
    expect(
      hasPublicComments([message({ direction: 'inbound', channel: 'social', visibility: 'private' })]),
    ).toBe(false);
    expect(
      hasPublicComments([message({ direction: 'inbound', channel: 'social', visibility: 'public' })]),
    ).toBe(true);
  });
});

describe('saved replies and refusals', () => {
  const replies = [
    { id: '1', title: 'Bonjour', body: 'Bonjour {{customer.name}}', language: 'fr' },
    { id: '2', title: 'Suivi de commande', body: 'Votre commande {{order}} est partie', language: 'fr' },
  ];

  it('finds replies holding every word searched, in title or text, whatever the case', () => {
    expect(searchReplies(replies, '', 'fr').map((r) => r.id)).toEqual(['1', '2']);
    expect(searchReplies(replies, 'COMMANDE partie', 'fr').map((r) => r.id)).toEqual(['2']);
    expect(searchReplies(replies, 'bonjour absent', 'fr')).toEqual([]);
  });

  it('asks for the order number only when the reply needs it', () => {
    expect(needsOrder(['order'])).toBe(true);
    expect(needsOrder(['customer.localTime'])).toBe(false);
  });

  it('says each refusal in its own words', () => {
    expect(problemOf(new TypeError('fetch failed')).key).toBe('composer.problems.network');
    expect(problemOf(new ApiError(412, 'precondition_failed', 'x')).key).toBe('composer.problems.changed');
    expect(problemOf(new ApiError(409, 'illegal_transition', 'x')).key).toBe('composer.problems.transition');
    expect(problemOf(new ApiError(409, 'conflict', 'x')).key).toBe('composer.problems.conflict');
    expect(
      problemOf(
        new ApiError(400, 'validation_failed', 'x', [{ path: 'body.reason', message: 'is required' }]),
      ),
    ).toEqual({ key: 'composer.problems.invalid', detail: 'is required' });
  });
});
