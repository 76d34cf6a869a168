/**
 * PostgreSQL and Redis on 127.0.0.1 for the queue-mode and trigger e2e tests. CI makes sure they
 * run (.ci/run), so there a missing service fails the tests with the command that starts it;
 * elsewhere they are skipped with a notice in their title.
 */
import { spawnSync } from 'child_process';

import { checkQueueServices, POSTGRES, REDIS } from '../../scripts/queueServices';

const underCi = process.env.CI === 'true';

/** Whether something accepts TCP connections on each port; jest's describe needs it at once. */
function listening(ports: number[]): boolean {
	const probe = `const net = require('net');
Promise.all(${JSON.stringify(ports)}.map((port) => new Promise((resolve, reject) => {
	const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(); });
	socket.once('error', reject);
}))).then(() => process.exit(0), () => process.exit(1));`;
	return spawnSync(process.execPath, ['-e', probe], { timeout: 10_000 }).status === 0;
}

/** `describe` for tests that need PostgreSQL and Redis; outside CI without them, skipped. */
export function describeWithQueueServices(title: string, body: () => void): void {
	if (underCi || listening([POSTGRES.port, REDIS.port])) {
		describe(title, () => {
			// A clear message naming the start command, instead of a connection error later.
			beforeAll(() => checkQueueServices());
			body();
		});
	} else {
		describe.skip(
			`${title} [skipped: PostgreSQL ${POSTGRES.host}:${POSTGRES.port} or Redis ${REDIS.host}:${REDIS.port} not running; CI runs these]`,
			body,
		);
	}
}
