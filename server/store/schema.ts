/**
 * The database (spec-notes.md#push-server, what is stored): subscriptions, the channels they
 * joined, each broadcast, and one delivery row per (broadcast, subscription) holding its state, so
 * a restarted server resumes exactly where the last acknowledged delivery was recorded.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (
  id INTEGER PRIMARY KEY,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  origin TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscription_channels (
  channel TEXT NOT NULL,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  PRIMARY KEY (channel, subscription_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subscription_channels_by_subscription ON subscription_channels(subscription_id);
CREATE TABLE IF NOT EXISTS broadcasts (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  payload BLOB NOT NULL,
  channel TEXT,
  ttl INTEGER NOT NULL,
  urgency TEXT,
  topic TEXT,
  status TEXT NOT NULL,
  total INTEGER NOT NULL DEFAULT 0,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  gone INTEGER NOT NULL DEFAULT 0,
  problems TEXT NOT NULL DEFAULT '[]',
  error TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE IF NOT EXISTS deliveries (
  broadcast_id TEXT NOT NULL,
  subscription_id INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  PRIMARY KEY (broadcast_id, subscription_id)
) WITHOUT ROWID;
`;
