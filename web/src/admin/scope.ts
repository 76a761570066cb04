import type { Admin } from './client.ts';

// What an administrator's scope lets them change, as docs/api.md and the organisation module
// say. The pages use it to offer only what the server would accept; the server still decides.

export const isGroup = (admin: Admin): boolean => admin.scope.kind === 'group';

/** A subsidiary's own settings (SLA, routing, queues, endpoints): its administrators or the group's. */
export const managesSubsidiary = (admin: Admin, subsidiaryId: string): boolean =>
  isGroup(admin) || (admin.scope.kind === 'subsidiary' && admin.scope.subsidiaryId === subsidiaryId);

/** A site, its teams and agents: its own administrators or the group's. */
export const managesSite = (admin: Admin, siteId: string): boolean =>
  isGroup(admin) || (admin.scope.kind === 'site' && admin.scope.siteId === siteId);
