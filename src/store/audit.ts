import type { Insertable, Kysely } from 'kysely';
import type { Actor } from '../core/index.ts';
import type { AuditLogTable, Database } from './tables.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string;
  subsidiaryId?: string | null | undefined;
  siteId?: string | null | undefined;
  changes?: unknown;
}

/** The audit row of a change, for callers that write it in a statement of their own. */
export function auditRow(
  actor: Actor,
  requestId: string | undefined,
  entry: AuditEntry,
): Insertable<AuditLogTable> {
  return {
    actor_kind: actor.kind,
    actor_id: actor.id,
    subsidiary_id: entry.subsidiaryId ?? null,
    site_id: entry.siteId ?? null,
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId,
    changes: JSON.stringify(entry.changes ?? {}),
    request_id: requestId ?? null,
  };
}

/** Append who changed what to the audit log, inside the caller's transaction. */
export async function recordAudit(
  trx: Kysely<Database>,
  actor: Actor,
  requestId: string | undefined,
  entry: AuditEntry,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values(auditRow(actor, requestId, entry))
    .execute();
}
