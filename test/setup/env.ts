import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core's InstanceSettings writes into N8N_USER_FOLDER; a fresh one per test file keeps
// ~/.n8n untouched and avoids "Mismatching encryption keys".
const userFolder = mkdtempSync(join(tmpdir(), 'alikassa-jest-n8n-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_ENCRYPTION_KEY = 'alikassa-test-encryption-key';

afterAll(() => rmSync(userFolder, { recursive: true, force: true }));
