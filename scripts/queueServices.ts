/**
 * The PostgreSQL and Redis a queue-mode n8n shares: a database per run, created and dropped, and
 * the run's Redis keys deleted. The clients are the ones n8n itself ships (pg, ioredis), loaded
 * from the pinned n8n install, so the package gains no dependency for them.
 */
import { randomBytes } from 'crypto';
import { createRequire } from 'module';
import { join } from 'path';

import { CLAIMS_TABLE_SQL } from './examples';
import { REPO_ROOT } from './n8n';
import { n8nUnderTest } from './n8nUnderTest';

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const REDIS = { host: '127.0.0.1', port: 6379 } as const;

/** How to bring the services up on these machines (Debian packages), for error messages. */
const START_COMMANDS = {
	postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
	redis:
		'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
};

interface PgClient {
	connect(): Promise<void>;
	query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
	end(): Promise<void>;
}

interface RedisClient {
	connect(): Promise<void>;
	keys(pattern: string): Promise<string[]>;
	del(...keys: string[]): Promise<number>;
	quit(): Promise<unknown>;
	disconnect(): void;
}

// the n8n under test's own install (N8N_UNDER_TEST), the one the queue-mode processes run
const requireFromN8n = createRequire(
	join(REPO_ROOT, n8nUnderTest().folder, 'node_modules', 'n8n', 'package.json'),
);

function pgClient(database: string): PgClient {
	const { Client } = requireFromN8n('pg') as { Client: new (config: object) => PgClient };
	return new Client({ ...POSTGRES, database, connectionTimeoutMillis: 5_000 });
}

function redisClient(): RedisClient {
	const Redis = requireFromN8n('ioredis') as new (config: object) => RedisClient;
	return new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: null });
}

/** Runs `work` with a connection to `database`; a refused connection names the start command. */
export async function withPostgres<T>(
	database: string,
	work: (client: PgClient) => Promise<T>,
): Promise<T> {
	const client = pgClient(database);
	try {
		await client.connect();
	} catch (error) {
		throw new Error(
			`PostgreSQL at ${POSTGRES.host}:${POSTGRES.port} refused a connection to "${database}" (${(error as Error).message}). Start it with: ${START_COMMANDS.postgres}`,
		);
	}
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

async function withRedis<T>(work: (client: RedisClient) => Promise<T>): Promise<T> {
	const client = redisClient();
	try {
		await client.connect();
	} catch (error) {
		client.disconnect();
		throw new Error(
			`Redis at ${REDIS.host}:${REDIS.port} is not reachable (${(error as Error).message}). Start it with: ${START_COMMANDS.redis}`,
		);
	}
	try {
		return await work(client);
	} finally {
		await client.quit();
	}
}

/** A fresh run id (lowercase letters and digits): names a database and Redis prefixes. */
export function newRunId(): string {
	return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Names are made by this module only (letters, digits, underscores), so quoting is enough. */
function identifier(name: string): string {
	if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
	return `"${name}"`;
}

/** Checks both services answer before anything is started. */
export async function checkQueueServices(): Promise<void> {
	await withPostgres('postgres', (client) => client.query('SELECT 1'));
	await withRedis((client) => client.keys('n8n-nodes-alikassa-probe'));
}

export function createDatabase(name: string): Promise<unknown> {
	return withPostgres('postgres', (client) => client.query(`CREATE DATABASE ${identifier(name)}`));
}

/** Drops it even while a killed process's connections linger. */
export function dropDatabase(name: string): Promise<unknown> {
	return withPostgres('postgres', (client) =>
		client.query(`DROP DATABASE IF EXISTS ${identifier(name)} WITH (FORCE)`),
	);
}

/** Deletes every key under the prefixes; resolves with how many there were. */
export function deleteRedisKeys(prefixes: string[]): Promise<number> {
	return withRedis(async (client) => {
		let deleted = 0;
		for (const prefix of prefixes) {
			const keys = await client.keys(`${prefix}:*`);
			if (keys.length > 0) deleted += await client.del(...keys);
		}
		return deleted;
	});
}

/** A database of its own holding the notification example's claim table; resolves with its name. */
export async function createClaimsDatabase(): Promise<string> {
	const name = `alikassa_claims_${newRunId()}`;
	await createDatabase(name);
	await withPostgres(name, (client) => client.query(CLAIMS_TABLE_SQL));
	return name;
}
