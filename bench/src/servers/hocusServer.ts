import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Server } from '@hocuspocus/server';
import { Database as DatabaseExtension } from '@hocuspocus/extension-database';

// @hocuspocus/server 3.4.4 with its defaults (debounce 2000 ms, maxDebounce 10000 ms,
// unloadImmediately) and, when DATA_DIR is set, the official Database extension storing each
// document's merged state in SQLite (better-sqlite3, WAL, synchronous NORMAL — the same engine and
// mode as Seen's relay). Persistence is debounced: a crash loses up to the debounce window.
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = process.env.DATA_DIR;
const extensions: DatabaseExtension[] = [];
if (dataDir !== undefined && dataDir !== '') {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'hocuspocus.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL)');
  const select = db.prepare<[string], { data: Buffer }>('SELECT data FROM documents WHERE name = ?');
  const upsert = db.prepare('INSERT INTO documents (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data');
  extensions.push(
    new DatabaseExtension({
      fetch: async ({ documentName }) => {
        const row = select.get(documentName);
        return row === undefined ? null : new Uint8Array(row.data);
      },
      store: async ({ documentName, state }) => {
        upsert.run(documentName, state);
      },
    }),
  );
}

const server = new Server(
  { port, address: host, quiet: true, stopOnSignals: false, extensions },
  { perMessageDeflate: false },
);
await server.listen();
console.log(`hocuspocus ready on ${host}:${port}`);
