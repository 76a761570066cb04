export * from './agents.ts';
export * from './calendar.ts';
export * from './group.ts';
export * from './sites.ts';
export * from './subsidiaries.ts';
export * from './teams.ts';
export * from './users.ts';
