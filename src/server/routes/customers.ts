import { z } from 'zod';
import {
  addIdentity,
  ConsentChange,
  ConsentEvent,
  Customer,
  CustomerCreate,
  CustomerFilter,
  CustomerMerge,
  CustomerMergeFilter,
  CustomerUpdate,
  changeConsent,
  consentHistory,
  createCustomer,
  dismissMergeSuggestion,
  getCustomer,
  Identity,
  IdentityInput,
  listCustomerMerges,
  listCustomers,
  listMergeSuggestions,
  MergeRequest,
  MergeSuggestion,
  MergeSuggestionFilter,
  mergeCustomers,
  removeIdentity,
  unmergeCustomers,
  updateCustomer,
} from '../../customers/index.ts';
import { atomically, PageQuery } from '../../store/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams, pageOf, resourceRoutes } from './resource.ts';

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
    '/api/customers/:id/merge',
    {
      config: { permission: 'customers:write' },
      schema: {
        tags,
        summary: 'Merge another customer (the source) into this one',
        description:
          "The source's identities and conversations move to this customer; the source stays, " +
          'pointing here (mergedInto). Consent never widens: the more restrictive level is kept. ' +
          'Undo with POST /api/customer-merges/{id}/undo.',
        params: IdParams,
        body: MergeRequest,
        response: { 201: CustomerMerge, ...errors },
      },
    },
    async (req, reply) => {
      const ctx = contextOf(req, clock);
      const merge = await atomically(db, (trx) => mergeCustomers(trx, ctx, req.params.id, req.body));
      return reply.code(201).send(merge);
    },
  );
  app.post(
    '/api/customer-merges/:id/undo',
    {
      config: { permission: 'customers:write' },
      schema: {
        tags,
        summary: 'Undo a merge: exactly what it moved goes back',
        params: IdParams,
        response: { 200: CustomerMerge, ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      return atomically(db, (trx) => unmergeCustomers(trx, ctx, req.params.id));
    },
  );
  app.get(
    '/api/customer-merges',
    {
      config: { permission: 'customers:read' },
      schema: {
        tags,
        summary: 'Merges done (and undone), newest last',
        querystring: PageQuery.extend(CustomerMergeFilter.shape).strict(),
        response: { 200: pageOf(CustomerMerge), ...errors },
      },
    },
    async (req) => {
      const { cursor, limit, ...filter } = req.query;
      return listCustomerMerges(db, contextOf(req, clock), filter, { cursor, limit });
    },
  );
  app.get(
    '/api/merge-suggestions',
    {
      config: { permission: 'customers:read' },
      schema: {
        tags,
        summary: 'Customers one contact matched at once, for an agent to merge or dismiss',
        querystring: PageQuery.extend(MergeSuggestionFilter.shape).strict(),
        response: { 200: pageOf(MergeSuggestion), ...errors },
      },
    },
    async (req) => {
      const { cursor, limit, ...filter } = req.query;
      return listMergeSuggestions(db, contextOf(req, clock), filter, { cursor, limit });
    },
  );
  app.post(
    '/api/merge-suggestions/:id/dismiss',
    {
      config: { permission: 'customers:write' },
      schema: {
        tags,
        summary: 'They are two people: close the suggestion without merging',
        params: IdParams,
        response: { 200: MergeSuggestion, ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, clock);
      return atomically(db, (trx) => dismissMergeSuggestion(trx, ctx, req.params.id));
    },
  );

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
