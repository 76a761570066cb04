// The router (pure: no IO, no clock inside) and, later, the assignment service around it.
export * from './sla.ts';
