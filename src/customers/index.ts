export * from './customers.ts';
export { IdentityInput, IdentityKind, normaliseIdentity } from './identity.ts';
