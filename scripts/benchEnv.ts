/**
 * Imported first by the bench: n8n-core's InstanceSettings writes into N8N_USER_FOLDER when it
 * loads, so this points it at a throwaway folder (removed at exit) instead of ~/.n8n.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const userFolder = mkdtempSync(join(tmpdir(), 'alikassa-bench-n8n-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_ENCRYPTION_KEY = 'alikassa-bench-encryption-key';
process.once('exit', () => rmSync(userFolder, { recursive: true, force: true }));
