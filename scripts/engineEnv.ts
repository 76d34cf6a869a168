import { randomUUID } from 'crypto';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core's InstanceSettings writes into N8N_USER_FOLDER; a fresh one per test file or
// benchmark run keeps ~/.n8n untouched and avoids "Mismatching encryption keys". Imported before
// anything loads n8n-core. Only named here, not made: n8n-core creates it when it first writes, so
// a test file whose tests are all skipped (its afterAll never runs) leaves nothing behind.
export const ENGINE_USER_FOLDER = join(tmpdir(), `alikassa-jest-n8n-${randomUUID()}`);
process.env.N8N_USER_FOLDER = ENGINE_USER_FOLDER;
process.env.N8N_ENCRYPTION_KEY = 'alikassa-test-encryption-key';
