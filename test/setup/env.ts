import { rmSync } from 'fs';

import { ENGINE_USER_FOLDER } from '../../scripts/engineEnv';

// After the framework (setupFilesAfterEnv), for afterAll; still before the test file loads n8n-core.
afterAll(() => rmSync(ENGINE_USER_FOLDER, { recursive: true, force: true }));
