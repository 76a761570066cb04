import { createConversation } from '../conversations/index.ts';
import { type Context, hashPassword, SYSTEM_ACTOR } from '../core/index.ts';
import { createCustomer } from '../customers/index.ts';
import {
  createAgent,
  createGroup,
  createSite,
  createSubsidiary,
  createUser,
  type SiteCreate,
} from '../organisation/index.ts';
import type { Db } from '../store/index.ts';

export const FIXTURE_PASSWORD = 'correct-horse-battery';

const weekdays = { start: '08:00', end: '20:00' };
const calendar = {
  weekly: { mon: [weekdays], tue: [weekdays], wed: [weekdays], thu: [weekdays], fri: [weekdays] },
  holidays: [],
  exceptions: [],
};

function site(code: string, overrides: Partial<SiteCreate>): SiteCreate {
  return {
    code,
    name: code,
    country: 'FR',
    operator: 'in_house',
    timeZone: 'Europe/Paris',
    calendar,
    languages: [{ tag: 'fr', proficiency: 5 }],
    skills: ['billing', 'technical'],
    tiers: ['level1'],
    subsidiaryIds: [],
    costPerHour: { amountMinor: 3000, currency: 'EUR' },
    qualityIndex: 85,
    seats: 50,
    ...overrides,
  };
}

/**
 * A small world for API tests: two subsidiaries, three sites (one in-house, two
 * partners), a person of every role and scope, customers and conversations routed
 * to each site, so tests can try to cross every line.
 */
export async function createFixture(db: Db) {
  const ctx: Context = { actor: SYSTEM_ACTOR, now: new Date() };
  return db.transaction().execute(async (trx) => {
    await createGroup(trx, 'Test Telecom Group');
    const fr = await createSubsidiary(trx, ctx, {
      code: 'FR',
      name: 'Test France',
      country: 'FR',
      languages: ['fr'],
      defaultLanguage: 'fr',
      timeZone: 'Europe/Paris',
      currency: 'EUR',
      dataRegion: 'eu-west',
    });
    const ma = await createSubsidiary(trx, ctx, {
      code: 'MA',
      name: 'Test Maroc',
      country: 'MA',
      languages: ['ar', 'fr'],
      defaultLanguage: 'ar',
      timeZone: 'Africa/Casablanca',
      currency: 'MAD',
      dataRegion: 'af-north',
    });
    const paris = await createSite(
      trx,
      ctx,
      site('PAR', { name: 'Paris', tiers: ['level2', 'expert'], subsidiaryIds: [fr.id] }),
    );
    const casablanca = await createSite(
      trx,
      ctx,
      site('CAS', {
        name: 'Casablanca',
        country: 'MA',
        operator: 'partner',
        partnerName: 'Atlas Contact',
        timeZone: 'Africa/Casablanca',
        languages: [
          { tag: 'fr', proficiency: 5 },
          { tag: 'ar', proficiency: 5 },
        ],
        tiers: ['level1', 'level2'],
        subsidiaryIds: [fr.id, ma.id],
      }),
    );
    const bucharest = await createSite(
      trx,
      ctx,
      site('BUC', {
        name: 'Bucharest',
        country: 'RO',
        operator: 'partner',
        partnerName: 'Carpathia BPO',
        timeZone: 'Europe/Bucharest',
        subsidiaryIds: [fr.id],
      }),
    );

    const person = (
      email: string,
      role: 'agent' | 'supervisor' | 'analyst' | 'admin',
      scope: Parameters<typeof createUser>[2]['scope'],
    ) =>
      createUser(trx, ctx, { email, displayName: email.split('@')[0] ?? email, locale: 'en', role, scope });
    const users = {
      groupAdmin: await person('group.admin@test.example', 'admin', { kind: 'group' }),
      groupAnalyst: await person('group.analyst@test.example', 'analyst', { kind: 'group' }),
      frAdmin: await person('fr.admin@test.example', 'admin', { kind: 'subsidiary', subsidiaryId: fr.id }),
      frAnalyst: await person('fr.analyst@test.example', 'analyst', {
        kind: 'subsidiary',
        subsidiaryId: fr.id,
      }),
      maSupervisor: await person('ma.supervisor@test.example', 'supervisor', {
        kind: 'subsidiary',
        subsidiaryId: ma.id,
      }),
      casAdmin: await person('cas.admin@test.example', 'admin', { kind: 'site', siteId: casablanca.id }),
      casSupervisor: await person('cas.supervisor@test.example', 'supervisor', {
        kind: 'site',
        siteId: casablanca.id,
      }),
    };
    const agentAt = (email: string, siteId: string, tier: 'level1' | 'level2') =>
      createAgent(trx, ctx, {
        user: { email, displayName: email.split('@')[0] ?? email, locale: 'fr' },
        siteId,
        tier,
        languages: [{ tag: 'fr', proficiency: 5 }],
        skills: [{ name: 'billing', proficiency: 4 }],
        capacity: { perChannel: { chat: 3, email: 2 }, total: 5 },
      });
    const agents = {
      paris: await agentAt('paris.agent@test.example', paris.id, 'level2'),
      casablanca: await agentAt('cas.agent@test.example', casablanca.id, 'level1'),
      bucharest: await agentAt('buc.agent@test.example', bucharest.id, 'level1'),
    };
    const hash = await hashPassword(FIXTURE_PASSWORD);
    await trx.updateTable('users').set({ password_hash: hash }).execute();

    const customer = (subsidiaryId: string, name: string, email: string) =>
      createCustomer(trx, ctx, {
        subsidiaryId,
        displayName: name,
        consentLevel: 'service',
        preferredChannels: [],
        contactWindows: [],
        approach: {},
        identities: [{ kind: 'email', value: email }],
      });
    const customers = {
      frAtCasablanca: await customer(fr.id, 'Camille Martin', 'camille@client.example'),
      frAtBucharest: await customer(fr.id, 'Lucas Bernard', 'lucas@client.example'),
      frUnrouted: await customer(fr.id, 'Chloé Petit', 'chloe@client.example'),
      maAtCasablanca: await customer(ma.id, 'يوسف العلوي', 'youssef@client.example'),
    };
    const conversation = async (
      subsidiaryId: string,
      customerId: string,
      siteId: string | undefined,
      text: string,
    ) =>
      (
        await createConversation(trx, ctx, {
          subsidiaryId,
          customerId,
          channel: 'email',
          subject: text,
          tier: 'level1',
          requiredSkills: [],
          priority: 'normal',
          ...(siteId ? { siteId } : {}),
          message: { direction: 'inbound', text, attachments: [] },
        })
      ).conversation;
    const conversations = {
      frAtCasablanca: await conversation(
        fr.id,
        customers.frAtCasablanca.id,
        casablanca.id,
        'Facture incorrecte',
      ),
      frAtBucharest: await conversation(fr.id, customers.frAtBucharest.id, bucharest.id, 'Box en panne'),
      frUnrouted: await conversation(fr.id, customers.frUnrouted.id, undefined, 'Changement de forfait'),
      maAtCasablanca: await conversation(
        ma.id,
        customers.maAtCasablanca.id,
        casablanca.id,
        'مشكلة في الفاتورة',
      ),
    };
    return {
      subsidiaries: { fr, ma },
      sites: { paris, casablanca, bucharest },
      users,
      agents,
      customers,
      conversations,
    };
  });
}

export type Fixture = Awaited<ReturnType<typeof createFixture>>;
