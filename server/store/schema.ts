/**
 * The database (spec-notes.md#push-server, what is stored): subscriptions (with the user a grant
 * linked them to, and their last delivery outcome), the channels they joined, each broadcast (its
 * target: users and channels, or everyone; `send_at` when scheduled), and one delivery row per (broadcast, subscription) holding its state, so
 * a restarted server resumes exactly where the last acknowledged delivery was recorded.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (
  id INTEGER PRIMARY KEY,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  origin TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  user_id TEXT,
  last_outcome TEXT,
  last_status INTEGER,
  last_outcome_at INTEGER
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
  target TEXT,
  send_at INTEGER,
  unsent INTEGER NOT NULL DEFAULT 0,
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
  origin TEXT,
  PRIMARY KEY (broadcast_id, subscription_id)
) WITHOUT ROWID;
`;

/** Indexes on columns that migrations add: created after SQLITE_MIGRATIONS ran. */
export const INDEXES = `
CREATE INDEX IF NOT EXISTS subscriptions_by_user ON subscriptions(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS broadcasts_by_seq ON broadcasts(seq);
`;
