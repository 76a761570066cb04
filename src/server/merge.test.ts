import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestServer, type TestServer } from '../testing/index.ts';

let server: TestServer;
let fr: Client;
beforeAll(async () => {
  server = await startTestServer();
  fr = await server.as('fr.admin@test.example');
});
afterAll(async () => server?.close());

/** A customer with one identity and one conversation, as a first contact makes them. */
async function contact(identity: { kind: string; value: string }, text: string, otherIdentities?: unknown[]) {
  const created = await fr.post('/api/conversations', {
    subsidiaryId: server.fixture.subsidiaries.fr.id,
    channel: identity.kind === 'email' ? 'email' : 'sms',
    customer: { identity, ...(otherIdentities ? { otherIdentities } : {}) },
    message: { text },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; customerId: string };
}

const identitiesOf = async (customerId: string) =>
  ((await fr.get(`/api/customers/${customerId}`)).body.identities as Array<{ kind: string; value: string }>)
    .map((i) => `${i.kind}:${i.value}`)
    .sort();

describe('one customer across channels', () => {
  it('joins a contact to the one customer it matches, and teaches that record the identities it lacked', async () => {
    const first = await contact({ kind: 'phone', value: '06 12 00 00 01' }, 'Bonjour, plus de réseau.');
    const second = await contact({ kind: 'email', value: 'Paul.Girard@Client.example' }, 'Toujours rien.', [
      { kind: 'phone', value: '+33 6 12 00 00 01' },
    ]);
    expect(second.customerId).toBe(first.customerId);
    expect(await identitiesOf(first.customerId)).toEqual([
      'email:paul.girard@client.example',
      'phone:+33612000001',
    ]);
  });

  it('flags a contact matching two customers for an agent, merges them on request, and unmerges exactly', async () => {
    const byPhone = await contact({ kind: 'phone', value: '06 12 00 00 02' }, 'Ma box clignote.');
    const byMail = await contact({ kind: 'email', value: 'nadia@client.example' }, 'Facture en double ?');
    // The customer by mail said no to everything: a merge must not widen that.
    const consent = await fr.post(`/api/customers/${byMail.customerId}/consent`, {
      level: 'none',
      source: 'phone call',
    });
    expect(consent.status).toBeLessThan(300);

    const both = await contact({ kind: 'email', value: 'nadia@client.example' }, 'C’est moi, les deux.', [
      { kind: 'phone', value: '+33612000002' },
    ]);
    // No silent merge: the contact joins the holder of its own identity, the other stays apart.
    expect(both.customerId).toBe(byMail.customerId);
    expect(await identitiesOf(byMail.customerId)).toEqual(['email:nadia@client.example']);
    expect(await identitiesOf(byPhone.customerId)).toEqual(['phone:+33612000002']);
    const suggestions = await fr.get(`/api/merge-suggestions?customerId=${byPhone.customerId}&status=open`);
    expect(suggestions.body.items).toEqual([
      expect.objectContaining({ customerId: byMail.customerId, otherId: byPhone.customerId, status: 'open' }),
    ]);
    // The same double match again does not pile up suggestions.
    await contact({ kind: 'email', value: 'nadia@client.example' }, 'Vous avez vu ?', [
      { kind: 'phone', value: '0612000002' },
    ]);
    expect((await fr.get(`/api/merge-suggestions?customerId=${byPhone.customerId}`)).body.items).toHaveLength(
      1,
    );

    // Another subsidiary sees neither the suggestion nor the customers, and cannot merge them.
    const ma = await server.as('ma.supervisor@test.example');
    expect((await ma.get('/api/merge-suggestions')).body.items).toEqual([]);
    const stranger = await ma.post(`/api/customers/${byMail.customerId}/merge`, {
      sourceId: byPhone.customerId,
    });
    expect(stranger.status).toBe(404);

    const merged = await fr.post(`/api/customers/${byMail.customerId}/merge`, {
      sourceId: byPhone.customerId,
      suggestionId: suggestions.body.items[0].id,
    });
    expect(merged.status).toBe(201);
    expect(merged.body.conversationIds).toEqual([byPhone.id]);
    expect(await identitiesOf(byMail.customerId)).toEqual([
      'email:nadia@client.example',
      'phone:+33612000002',
    ]);
    const moved = await fr.get(`/api/conversations/${byPhone.id}`);
    expect(moved.body.customerId).toBe(byMail.customerId);
    expect(moved.body.messages.map((m: { text: string }) => m.text)).toEqual(['Ma box clignote.']);
    const source = await fr.get(`/api/customers/${byPhone.customerId}`);
    expect(source.body.mergedInto).toBe(byMail.customerId);
    const listed = await fr.get('/api/customers?q=%2B33612000002');
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([byMail.customerId]);
    expect((await fr.get(`/api/customers/${byMail.customerId}`)).body.consentLevel).toBe('none');
    expect(
      (await fr.get(`/api/merge-suggestions?customerId=${byPhone.customerId}`)).body.items[0].status,
    ).toBe('merged');
    // The next contact on that phone number reaches the merged customer.
    const later = await contact({ kind: 'phone', value: '06 12 00 00 02' }, 'Merci pour hier.');
    expect(later.customerId).toBe(byMail.customerId);

    const undone = await fr.post(`/api/customer-merges/${merged.body.id}/undo`, {});
    expect(undone.status).toBe(200);
    expect(await identitiesOf(byPhone.customerId)).toEqual(['phone:+33612000002']);
    expect((await fr.get(`/api/conversations/${byPhone.id}`)).body.customerId).toBe(byPhone.customerId);
    // What arrived after the merge stays where it arrived.
    expect((await fr.get(`/api/conversations/${later.id}`)).body.customerId).toBe(byMail.customerId);
    expect((await fr.get(`/api/customers/${byPhone.customerId}`)).body.mergedInto).toBeNull();
    expect((await fr.post(`/api/customer-merges/${merged.body.id}/undo`, {})).status).toBe(409);

    const audit = await fr.get(`/api/audit?entityId=${byPhone.customerId}`);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['merge', 'unmerge']),
    );
  });

  it('dismisses a suggestion for two different people, and refuses a merge across subsidiaries', async () => {
    const one = await contact({ kind: 'phone', value: '06 12 00 00 03' }, 'Bonjour.');
    const two = await contact({ kind: 'email', value: 'famille@client.example' }, 'Bonjour aussi.');
    await contact({ kind: 'email', value: 'famille@client.example' }, 'Mon numéro :', [
      { kind: 'phone', value: '0612000003' },
    ]);
    expect(two.customerId).not.toBe(one.customerId);
    const [suggestion] = (await fr.get(`/api/merge-suggestions?customerId=${one.customerId}`)).body.items;
    const dismissed = await fr.post(`/api/merge-suggestions/${suggestion.id}/dismiss`, {});
    expect(dismissed.body.status).toBe('dismissed');
    expect((await fr.post(`/api/merge-suggestions/${suggestion.id}/dismiss`, {})).status).toBe(409);

    const admin = await server.as('group.admin@test.example');
    const acrossBorders = await admin.post(`/api/customers/${one.customerId}/merge`, {
      sourceId: server.fixture.customers.maAtCasablanca.id,
    });
    expect(acrossBorders.status).toBe(400);
    expect(
      (await admin.post(`/api/customers/${one.customerId}/merge`, { sourceId: one.customerId })).status,
    ).toBe(400);
  });
});
