/**
 * The queue-mode batch pattern of examples/: rows split into chunks by the splitter workflow,
 * each chunk one execution of the published pay-chunk workflow. Shared by `npm run demo:queue`,
 * `npm run bench:queue` and the queue e2e tests.
 */
import { EXAMPLES, loadExample, pointWorkflowAt } from './examples';
import type { Workflow, WorkflowNode } from './n8n';

const { queuePayChunk: payChunkExample, queueSplitBatch: splitBatch } = EXAMPLES;
/** The line of the splitter's Code node that sets the chunk size, as the example ships it. */
const CHUNK_SIZE_LINE = /const chunkSize = \d+;/;

export interface PayoutRow {
	order_id: string;
	amount: string;
	service: string;
	number: string;
}

/** `count` payable rows whose order_id starts with `prefix`; ~55 RUB each, so 10 000 fit the sandbox's balance. */
export function payoutRows(prefix: string, count: number): PayoutRow[] {
	return Array.from({ length: count }, (_, row) => ({
		order_id: `${prefix}-${String(row).padStart(4, '0')}`,
		amount: `${10 + (row % 90)}.${String(row % 100).padStart(2, '0')}`,
		service: 'payment_card_rub',
		number: '4111111111111111',
	}));
}

export function payoutsCsv(rows: PayoutRow[]): string {
	const columns = ['order_id', 'amount', 'service', 'number'] as const;
	const lines = rows.map((row) => columns.map((column) => row[column]).join(','));
	return `${[columns.join(','), ...lines].join('\n')}\n`;
}

function node(workflow: Workflow, name: string): WorkflowNode {
	const found = workflow.nodes.find((candidate) => candidate.name === name);
	if (found === undefined) throw new Error(`The workflow "${workflow.name}" has no node "${name}"`);
	return found;
}

/** The pay-chunk example against the sandbox at `sandboxUrl`. */
export function payChunkWorkflow(sandboxUrl: string): Workflow {
	return pointWorkflowAt(loadExample(payChunkExample.file), { sandboxUrl });
}

/** The splitter example reading `csvPath` in chunks of `chunkSize`, posting to `payChunkUrl`. */
export function splitterWorkflow(options: {
	sandboxUrl: string;
	csvPath: string;
	payChunkUrl: string;
	chunkSize: number;
}): Workflow {
	const workflow = pointWorkflowAt(loadExample(splitBatch.file), {
		sandboxUrl: options.sandboxUrl,
		payoutsCsv: options.csvPath,
	});
	const chunks = node(workflow, splitBatch.chunksNode);
	const code = String(chunks.parameters.jsCode);
	if (!CHUNK_SIZE_LINE.test(code)) throw new Error('The splitter example no longer sets chunkSize');
	chunks.parameters.jsCode = code.replace(
		CHUNK_SIZE_LINE,
		`const chunkSize = ${options.chunkSize};`,
	);
	node(workflow, splitBatch.payChunkNode).parameters.url = options.payChunkUrl;
	return workflow;
}

/** Posts one chunk to the pay-chunk webhook; resolves with its one-item-per-row answer. */
export async function payChunk(
	url: string,
	rows: PayoutRow[],
	signal?: AbortSignal,
): Promise<Array<Record<string, unknown>>> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ rows }),
		signal,
	});
	if (!response.ok) {
		throw new Error(
			`The pay-chunk webhook answered HTTP ${response.status}: ${await response.text()}`,
		);
	}
	return (await response.json()) as Array<Record<string, unknown>>;
}
