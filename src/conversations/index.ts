export * from './conversations.ts';
export * from './inbox.ts';
export * from './status.ts';
