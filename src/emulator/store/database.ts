/**
 * Opens the local service's SQLite database and brings its schema up to date.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

/** The SQLite handle the backend works on. */
export type Db = Database.Database;

/** Thrown when the database file was written by a newer schema than this build knows. */
export class SchemaVersionError extends Error {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(found: number, known: number) {
    super(`database schema version ${found} is newer than this build supports (${known}); upgrade chime-graphql-gateway`);
  }
}

/**
 * Opens (creating if needed) the database at `path` (`:memory:` for tests).
 *
 * WAL with `synchronous=NORMAL`: a commit is in the WAL file, written through
 * the OS, before the call that made it returns, so it survives the process
 * being killed (`kill -9`); only a power loss may drop the last commits. That
 * is the durability an emulator needs at a tenth of FULL's fsync cost.
 */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Runs the migrations the file has not seen yet, each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) throw new SchemaVersionError(current, MIGRATIONS.length);
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
