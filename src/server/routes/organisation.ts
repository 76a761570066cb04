import { z } from 'zod';
import {
  Agent,
  AgentCreate,
  AgentFilter,
  AgentUpdate,
  createAgent,
  createSite,
  createSubsidiary,
  createTeam,
  createUser,
  getAgent,
  getSite,
  getSubsidiary,
  getTeam,
  getUser,
  listAgents,
  listSites,
  listSubsidiaries,
  listTeams,
  listUsers,
  Presence,
  Site,
  SiteCreate,
  SiteFilter,
  SiteUpdate,
  Subsidiary,
  SubsidiaryCreate,
  SubsidiaryFilter,
  SubsidiaryUpdate,
  setPresence,
  Team,
  TeamCreate,
  TeamFilter,
  TeamUpdate,
  User,
  UserCreate,
  UserFilter,
  UserUpdate,
  updateAgent,
  updateSite,
  updateSubsidiary,
  updateTeam,
  updateUser,
} from '../../organisation/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { forgetUser } from '../auth.ts';
import { contextOf } from '../request.ts';
import { errors, IdParams, resourceRoutes } from './resource.ts';

export function organisationRoutes(app: App, deps: ServerDeps): void {
  const tag = 'organisation';
  resourceRoutes(app, deps, {
    path: '/api/subsidiaries',
    tag,
    noun: 'subsidiary',
    read: 'organisation:read',
    write: 'organisation:write',
    item: Subsidiary,
    filter: SubsidiaryFilter,
    create: SubsidiaryCreate,
    update: SubsidiaryUpdate,
    list: listSubsidiaries,
    get: getSubsidiary,
    insert: createSubsidiary,
    change: updateSubsidiary,
  });
  resourceRoutes(app, deps, {
    path: '/api/sites',
    tag,
    noun: 'site',
    read: 'organisation:read',
    write: 'organisation:write',
    item: Site,
    filter: SiteFilter,
    create: SiteCreate,
    update: SiteUpdate,
    list: listSites,
    get: getSite,
    insert: createSite,
    change: updateSite,
  });
  resourceRoutes(app, deps, {
    path: '/api/teams',
    tag,
    noun: 'team',
    read: 'organisation:read',
    write: 'agents:write',
    item: Team,
    filter: TeamFilter,
    create: TeamCreate,
    update: TeamUpdate,
    list: listTeams,
    get: getTeam,
    insert: createTeam,
    change: updateTeam,
  });
  resourceRoutes(app, deps, {
    path: '/api/agents',
    tag,
    noun: 'agent',
    read: 'organisation:read',
    write: 'agents:write',
    item: Agent,
    filter: AgentFilter,
    create: AgentCreate,
    update: AgentUpdate,
    list: listAgents,
    get: getAgent,
    insert: createAgent,
    change: updateAgent,
  });
  resourceRoutes(app, deps, {
    path: '/api/users',
    tag,
    noun: 'user',
    read: 'organisation:write',
    write: 'organisation:write',
    item: User,
    filter: UserFilter,
    create: UserCreate,
    update: UserUpdate,
    list: listUsers,
    get: getUser,
    insert: createUser,
    change: updateUser,
    // A deactivated account or a new password ends the person's sessions at once.
    afterChange: (user, input) => {
      if (input.active === false || input.password) forgetUser(user.id);
    },
  });

  app.put(
    '/api/agents/:id/presence',
    {
      config: { permission: 'organisation:read' },
      schema: {
        tags: [tag],
        summary: "Set an agent's presence (your own, or as a supervisor)",
        params: IdParams,
        body: z.object({ presence: Presence }).strict(),
        response: { 200: Agent, ...errors },
      },
    },
    async (req) => {
      const ctx = contextOf(req, deps.clock);
      return deps.db.transaction().execute((trx) => setPresence(trx, ctx, req.params.id, req.body.presence));
    },
  );
}
