export * from './actor.ts';
export * from './clock.ts';
export * from './config.ts';
export * from './context.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './password.ts';
export * from './schemas.ts';
