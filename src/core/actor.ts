import { DomainError } from './errors.ts';

/** Who is acting, and what part of the group they may see. Built once per request, at the edge. */

export type Role = 'agent' | 'supervisor' | 'analyst' | 'admin';

export type Scope =
  | { kind: 'group' }
  | { kind: 'subsidiary'; subsidiaryId: string }
  | { kind: 'site'; siteId: string };

export type Permission =
  | 'organisation:read'
  | 'organisation:write'
  | 'agents:write'
  | 'customers:read'
  | 'customers:write'
  | 'conversations:read'
  | 'conversations:write'
  | 'audit:read'
  | 'api_keys:write'
  | 'plans:read'
  | 'plans:write';

export const ALL_PERMISSIONS: readonly Permission[] = [
  'organisation:read',
  'organisation:write',
  'agents:write',
  'customers:read',
  'customers:write',
  'conversations:read',
  'conversations:write',
  'audit:read',
  'api_keys:write',
  'plans:read',
  'plans:write',
];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  agent: [
    'organisation:read',
    'customers:read',
    'customers:write',
    'conversations:read',
    'conversations:write',
  ],
  supervisor: [
    'organisation:read',
    'agents:write',
    'customers:read',
    'customers:write',
    'conversations:read',
    'conversations:write',
    'audit:read',
    'plans:read',
  ],
  analyst: ['organisation:read', 'customers:read', 'conversations:read', 'audit:read', 'plans:read'],
  admin: ALL_PERMISSIONS,
};

export const permissionsOf = (role: Role): readonly Permission[] => ROLE_PERMISSIONS[role];

export interface Actor {
  kind: 'user' | 'api_key' | 'system';
  id: string;
  role: Role;
  scope: Scope;
  permissions: ReadonlySet<Permission>;
  /** The agent record of a user who is an agent, for "assigned to me". */
  agentId?: string;
}

/** The actor for migrations, the demo world and timers: the whole group, every permission. */
export const SYSTEM_ACTOR: Actor = {
  kind: 'system',
  id: 'system',
  role: 'admin',
  scope: { kind: 'group' },
  permissions: new Set(ALL_PERMISSIONS),
};

/** Stop unless the actor holds the permission. */
export function assertCan(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) {
    throw new DomainError('forbidden', `your role may not do this (needs ${permission})`);
  }
}

/** Stop unless the actor acts for the whole group. */
export function assertGroupScope(actor: Actor, what: string): void {
  if (actor.scope.kind !== 'group')
    throw new DomainError('forbidden', `only group administrators may ${what}`);
}
