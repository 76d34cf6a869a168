import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

export interface HeardRequest {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface Listener {
	url: string;
	heard: HeardRequest[];
	close(): Promise<void>;
}

/**
 * A local HTTP server that records everything it receives, for proving that nothing reached
 * it; `answer` decides the reply (by default 200 `{}`).
 */
export async function startListener(
	answer: (request: HeardRequest) => { status: number; headers?: Record<string, string> } = () => ({
		status: 200,
	}),
): Promise<Listener> {
	const heard: HeardRequest[] = [];
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const entry = {
				method: request.method ?? '',
				path: request.url ?? '',
				headers: request.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			};
			heard.push(entry);
			const { status, headers } = answer(entry);
			response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
			response.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		heard,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
