/**
 * A local HTTP proxy that only tunnels (CONNECT), as corporate proxies in front of n8n do, and
 * records every tunnel it was asked for. It can also refuse, like a proxy that wants a login.
 */
import { createServer, type Server } from 'http';
import { connect, type AddressInfo, type Socket } from 'net';

export interface ConnectProxy {
	url: string;
	/** `host:port` of every CONNECT, in order, with the Proxy-Authorization it carried */
	tunnels: Array<{ target: string; authorization: string | undefined }>;
	close(): Promise<void>;
}

export async function startConnectProxy(
	options: { refuseWith?: number } = {},
): Promise<ConnectProxy> {
	const tunnels: ConnectProxy['tunnels'] = [];
	const sockets = new Set<Socket>();
	const server: Server = createServer((_, response) => {
		response.writeHead(405).end('CONNECT only');
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	server.on('connect', (request, client: Socket, head: Buffer) => {
		const target = request.url ?? '';
		tunnels.push({ target, authorization: request.headers['proxy-authorization'] });
		if (options.refuseWith !== undefined) {
			client.end(`HTTP/1.1 ${options.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		const [host, port] = [target.slice(0, target.lastIndexOf(':')), target.split(':').pop()];
		const upstream = connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		sockets.add(upstream);
		upstream.once('close', () => sockets.delete(upstream));
		const destroyBoth = () => {
			upstream.destroy();
			client.destroy();
		};
		upstream.on('error', destroyBoth);
		client.on('error', destroyBoth);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		tunnels,
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}
