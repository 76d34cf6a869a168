import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core's InstanceSettings writes into N8N_USER_FOLDER; a fresh one per test file or
// benchmark run keeps ~/.n8n untouched and avoids "Mismatching encryption keys". Imported before
// anything loads n8n-core.
export const ENGINE_USER_FOLDER = mkdtempSync(join(tmpdir(), 'alikassa-jest-n8n-'));
process.env.N8N_USER_FOLDER = ENGINE_USER_FOLDER;
process.env.N8N_ENCRYPTION_KEY = 'alikassa-test-encryption-key';
