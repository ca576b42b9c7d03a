import type * as Y from 'yjs';
import { migrationOrigin } from './origins.ts';
import { readFiniteNumber } from './parse.ts';
import { RootKey, SCHEMA_VERSION, rootMap } from './schema.ts';

/**
 * Ordered, idempotent migrations. Each moves a document from `to - 1` to `to` and must be safe to
 * run on two devices at once (both apply the same change; Yjs merges them). Add entries here when
 * SCHEMA_VERSION goes up; never edit one that has shipped.
 */
export interface Migration {
  readonly to: number;
  readonly migrate: (doc: Y.Doc) => void;
}

export const MIGRATIONS: readonly Migration[] = [];

export type MigrationResult =
  | { readonly status: 'uninitialised' }
  | { readonly status: 'current'; readonly version: number }
  | { readonly status: 'migrated'; readonly from: number; readonly to: number }
  /** Written by a newer app: read what we understand, write nothing structural (APP-21). */
  | { readonly status: 'newer'; readonly version: number };

export function migrateDoc(doc: Y.Doc, migrations: readonly Migration[] = MIGRATIONS, target = SCHEMA_VERSION): MigrationResult {
  const room = rootMap(doc, RootKey.Room);
  if (room.size === 0) return { status: 'uninitialised' };
  const from = readFiniteNumber(room.get('schemaVersion')) ?? 1;
  if (from > target) return { status: 'newer', version: from };
  if (from === target) return { status: 'current', version: from };
  let version = from;
  for (const migration of [...migrations].sort((a, b) => a.to - b.to)) {
    if (migration.to <= version || migration.to > target) continue;
    doc.transact(() => {
      migration.migrate(doc);
      room.set('schemaVersion', migration.to);
    }, migrationOrigin(migration.to));
    version = migration.to;
  }
  return { status: 'migrated', from, to: version };
}
