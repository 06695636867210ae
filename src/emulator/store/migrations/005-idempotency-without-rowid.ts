/**
 * Migration 5: the idempotency table (migration 1) rebuilt as a WITHOUT ROWID
 * table clustered on its primary key (scope, token). As a rowid table every
 * record went into two b-trees, the rows and the automatic index of the
 * primary key, so each SendChannelMessage with a ClientRequestToken wrote
 * about 3.3 pages for it; clustered it is one b-tree and about 2.8. The rows
 * are small (an operation's output, a few hundred bytes), which is where
 * WITHOUT ROWID pays. Existing records are copied, so tokens issued before
 * the upgrade still replay. Nothing references the table, so it can be
 * dropped and replaced in place.
 */
export const IDEMPOTENCY_WITHOUT_ROWID = `
  CREATE TABLE idempotency_clustered (
    scope TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    result_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, token)
  ) WITHOUT ROWID;
  INSERT INTO idempotency_clustered (scope, token, fingerprint, result_json, created_at)
    SELECT scope, token, fingerprint, result_json, created_at FROM idempotency;
  DROP TABLE idempotency;
  ALTER TABLE idempotency_clustered RENAME TO idempotency;
`;
