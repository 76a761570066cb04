import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Context, Permission } from '../../core/index.ts';
import { type Db, type Page, PageQuery } from '../../store/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { Problem } from '../problem.ts';
import { contextOf, expectedVersion, withEtag } from '../request.ts';

export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });
type IdParams = z.infer<typeof IdParams>;
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const errors = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  412: Problem,
  413: Problem,
  428: Problem,
};

type Versioned = { version: number };

/**
 * The four routes every resource has: list with filters and a cursor, read with an
 * ETag, create, and change with If-Match. Each command runs in one transaction.
 */
export interface ResourceSpec<Item extends Versioned, Filter, Create, Update> {
  path: string;
  tag: string;
  noun: string;
  read: Permission;
  write: Permission;
  item: z.ZodType<Item>;
  filter: z.ZodObject;
  create?: z.ZodType<Create>;
  update?: z.ZodType<Update>;
  list(db: Db, ctx: Context, filter: Filter, page: PageQuery): Promise<Page<Item>>;
  get(db: Db, ctx: Context, id: string): Promise<Item>;
  insert?(trx: Db, ctx: Context, input: Create): Promise<Item>;
  change?(trx: Db, ctx: Context, id: string, version: number | undefined, input: Update): Promise<Item>;
  /** Runs after a change committed (e.g. to drop cached credentials). */
  afterChange?(item: Item, input: Update): void;
}

export function resourceRoutes<Item extends Versioned, Filter, Create, Update>(
  typed: App,
  { db, clock }: ServerDeps,
  spec: ResourceSpec<Item, Filter, Create, Update>,
): void {
  // Generic routes: the zod schemas still validate every request; only the static types are loosened.
  const app = typed as unknown as FastifyInstance;
  const tags = [spec.tag];
  app.get(
    spec.path,
    {
      config: { permission: spec.read },
      schema: {
        tags,
        summary: `List ${spec.noun}s`,
        querystring: PageQuery.extend(spec.filter.shape).strict(),
        response: { 200: pageOf(spec.item), ...errors },
      },
    },
    async (req) => {
      const query = req.query as PageQuery & Filter;
      return spec.list(db, contextOf(req, clock), query, query);
    },
  );
  app.get(
    `${spec.path}/:id`,
    {
      config: { permission: spec.read },
      schema: {
        tags,
        summary: `Read a ${spec.noun}`,
        params: IdParams,
        response: { 200: spec.item, ...errors },
      },
    },
    async (req, reply) =>
      withEtag(reply, await spec.get(db, contextOf(req, clock), (req.params as IdParams).id)),
  );
  const { create, insert, update, change } = spec;
  if (create && insert) {
    app.post(
      spec.path,
      {
        config: { permission: spec.write },
        schema: {
          tags,
          summary: `Create a ${spec.noun}`,
          body: create,
          response: { 201: spec.item, ...errors },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req, clock);
        const created = await db.transaction().execute((trx) => insert(trx, ctx, req.body as Create));
        return reply.code(201).send(withEtag(reply, created));
      },
    );
  }
  if (update && change) {
    app.patch(
      `${spec.path}/:id`,
      {
        config: { permission: spec.write },
        schema: {
          tags,
          summary: `Change a ${spec.noun} (If-Match required)`,
          params: IdParams,
          body: update,
          response: { 200: spec.item, ...errors },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req, clock);
        const version = expectedVersion(req);
        const updated = await db
          .transaction()
          .execute((trx) => change(trx, ctx, (req.params as IdParams).id, version, req.body as Update));
        spec.afterChange?.(updated, req.body as Update);
        return withEtag(reply, updated);
      },
    );
  }
}
