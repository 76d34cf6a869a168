/**
 * A real MCP client (the official SDK, no language model) connected to an n8n MCP Server
 * Trigger's Production URL over Streamable HTTP, as Claude Desktop, Cursor or an IDE connect.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setTimeout as sleep } from 'timers/promises';

export interface ToolAnswer {
	isError: boolean;
	/** The text parts of the answer, joined. */
	text: string;
}

export interface McpSession {
	listTools(): ReturnType<Client['listTools']>;
	call(name: string, args: Record<string, unknown>): Promise<ToolAnswer>;
	close(): Promise<void>;
}

export async function connectMcp(url: string, bearerToken: string): Promise<McpSession> {
	const client = new Client({ name: 'alikassa-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(url), {
		requestInit: { headers: { Authorization: `Bearer ${bearerToken}` } },
	});
	await client.connect(transport);
	return {
		listTools: () => client.listTools(),
		async call(name, args) {
			const result = await client.callTool({ name, arguments: args });
			const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
			return {
				isError: result.isError === true,
				text: content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('\n'),
			};
		},
		close: () => client.close(),
	};
}

/** `n8n start` serves its HTTP port before it has activated the published workflows. */
export async function waitForEndpoint(url: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while ((await fetch(url, { method: 'POST' })).status === 404) {
		if (Date.now() > deadline) throw new Error(`n8n serves nothing at ${url}`);
		await sleep(250);
	}
}
