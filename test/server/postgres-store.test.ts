import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../../server/store/postgres-migrations.js';
import { PostgresStore } from '../../server/store/postgres-store.js';
import { createTestDatabase, describeWithPostgres } from '../support/postgres-cluster.js';
import { describeStoreContract } from './store-contract.js';

let database: Promise<{ url: string; drop(): Promise<void> }> | undefined;
const url = async () => (await (database ??= createTestDatabase())).url;
afterAll(async () => { if (database) await (await database).drop(); });

/** One database for the file; each test starts from empty tables. */
async function emptyStore(): Promise<PostgresStore> {
  const store = await PostgresStore.open(await url());
  const client = new pg.Client({ connectionString: await url() });
  await client.connect();
  await client.query('TRUNCATE subscriptions, subscription_channels, broadcasts, deliveries, batches, settings RESTART IDENTITY CASCADE');
  await client.end();
  return store;
}

describeStoreContract('PostgreSQL', async () => {
  const store = await emptyStore();
  return { store, close: () => store.close() };
}, describeWithPostgres as never);

describeWithPostgres('PostgreSQL migrations', () => {
  it('several processes opening an empty database at once make one schema, at the latest version', async () => {
    const fresh = await createTestDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(fresh.url)));
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      expect((await client.query('SELECT version FROM dwp_schema_version')).rows).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
      await client.end();
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('refuses a database from a newer release with database-unusable', async () => {
    const store = await emptyStore();
    const client = new pg.Client({ connectionString: await url() });
    await client.connect();
    await client.query('UPDATE dwp_schema_version SET version = version + 1');
    await expect(PostgresStore.open(await url())).rejects.toMatchObject({ code: 'database-unusable' });
    await client.query('UPDATE dwp_schema_version SET version = version - 1');
    await client.end();
    await store.close();
  });
});
