/**
 * Migration 6: when an AppInstance's retention settings were last put
 * (PutAppInstanceRetentionSettings), which GetAppInstanceRetentionSettings
 * answers as InitiateDeletionTimestamp. NULL while retention is off. An
 * AppInstance given retention before this migration keeps its RetentionDays
 * (still enforced) but has NULL here: when they were put was never recorded,
 * and a guessed time would be a wrong answer rather than a missing one.
 */
export const RETENTION = `
  ALTER TABLE app_instances ADD COLUMN retention_initiated_at INTEGER;
`;
