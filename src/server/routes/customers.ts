import { z } from 'zod';
import {
  addIdentity,
  ConsentChange,
  ConsentEvent,
  Customer,
  CustomerCreate,
  CustomerFilter,
  CustomerUpdate,
  changeConsent,
  consentHistory,
  createCustomer,
  getCustomer,
  Identity,
  IdentityInput,
  listCustomers,
  removeIdentity,
  updateCustomer,
} from '../../customers/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams, resourceRoutes } from './resource.ts';

export function customerRoutes(app: App, deps: ServerDeps): void {
  const { db, clock } = deps;
  const tags = ['customers'];
  resourceRoutes(app, deps, {
    path: '/api/customers',
    tag: 'customers',
    noun: 'customer',
    read: 'customers:read',
    write: 'customers:write',
    item: Customer,
    filter: CustomerFilter,
    create: CustomerCreate,
    update: CustomerUpdate,
    list: listCustomers,
    get: getCustomer,
    insert: createCustomer,
    change: updateCustomer,
  });

  app.post(
    '/api/customers/:id/identities',
    {
      config: { permission: 'customers:write' },
      schema: {
        tags,
        summary: 'Add an identity (email, phone…) to a customer',
        params: IdParams,
        body: IdentityInput,
        response: { 201: Identity, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const identity = await db
        .transaction()
        .execute((trx) => addIdentity(trx, ctx, req.params.id, req.body));
      return reply.code(201).send(identity);
    },
  );
  app.delete(
    '/api/customers/:id/identities/:identityId',
    {
      config: { permission: 'customers:write' },
      schema: {
        tags,
        summary: "Remove one of a customer's identities",
        params: IdParams.extend({ identityId: z.uuid() }),
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      await db.transaction().execute((trx) => removeIdentity(trx, ctx, req.params.id, req.params.identityId));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/customers/:id/consent',
    {
      config: { permission: 'customers:read' },
      schema: {
        tags,
        summary: "A customer's consent history, oldest first",
        params: IdParams,
        response: { 200: z.object({ items: z.array(ConsentEvent) }), ...errors },
      },
    },
    async (req) => ({ items: await consentHistory(db, contextOf(req, clock), req.params.id) }),
  );
  app.post(
    '/api/customers/:id/consent',
    {
      config: { permission: 'customers:write' },
      schema: {
        tags,
        summary: 'Record a change of consent',
        params: IdParams,
        body: ConsentChange,
        response: { 201: ConsentEvent, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const event = await db.transaction().execute((trx) => changeConsent(trx, ctx, req.params.id, req.body));
      return reply.code(201).send(event);
    },
  );
}
