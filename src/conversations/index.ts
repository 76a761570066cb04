export * from './conversations.ts';
export * from './status.ts';
