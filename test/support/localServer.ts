import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

export interface LocalServer {
	url: string;
	requests: string[];
	close(): Promise<void>;
}

/** A local HTTP server that records each request line and answers as told. */
export async function listen(answer: Parameters<typeof createServer>[1]): Promise<LocalServer> {
	const requests: string[] = [];
	const server: Server = createServer((request, response) => {
		requests.push(`${request.method} ${request.url}`);
		answer!(request, response);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
