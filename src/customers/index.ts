export * from './customers.ts';
export { IdentityInput, IdentityKind, identityKey, normaliseIdentity } from './identity.ts';
export * from './merge.ts';
