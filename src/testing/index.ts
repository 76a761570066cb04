export * from './chat.ts';
export * from './counts.ts';
export * from './dovecot.ts';
export * from './fixture.ts';
export * from './mail.ts';
export * from './meta.ts';
export * from './server.ts';
export * from './store.ts';
