/**
 * `npm run demo`: installs n8n on first use, installs this package into it like a user would,
 * runs examples/scheduled-batch-payouts.json headless against the local AliKassa sandbox, prints
 * what happened to every row and checks it against what the sandbox received. Then it fixes the
 * refused row and runs the batch again, as a person would after a stop or a crash: only the unpaid
 * rows are paid, the others come back already created, nothing is paid twice.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { DECIMAL_AMOUNT, centsOf, formatCents } from '../sandbox/money';
import { PAYOUT_SERVICES, type RecordedRequest, type SandboxPayout } from '../sandbox/server';
import { EXAMPLES, loadExample, PAYOUTS_CSV, pointWorkflowAt, sandboxCredential } from './examples';
import {
	ensureN8nInstalled,
	N8nUserFolder,
	nodeItems,
	preparePackage,
	type ExecutionRun,
} from './n8n';
import { orderIdOf, SandboxProcess } from './sandboxProcess';

const BATCH = EXAMPLES.scheduledBatch;

interface CsvRow {
	order_id: string;
	amount: string;
	service: string;
}

/** One CSV row and what the AliKassa Payout node made of it. */
interface RowOutcome {
	row: CsvRow;
	accepted: boolean;
	id?: unknown;
	paymentStatus?: unknown;
	/** AliKassa had this order_id from an earlier run: the same payout, not paid again */
	alreadyCreated?: boolean;
	/** found by order_id after a faulted send: made by this run or an earlier one, unknown */
	found?: boolean;
	error?: string;
}

/** A failed row's message starts with these words only when nothing was paid. */
const NOT_PAID = /^Not paid\b/;

const print = (line = '') => process.stdout.write(`${line}\n`);

/** The service a refused row gets when the demo fixes it. */
const FIXED_SERVICE = 'payment_card_rub';

/** The rows a correct run must get paid: a known service and an amount AliKassa accepts. */
function shouldBePaid(row: CsvRow): boolean {
	return (
		(PAYOUT_SERVICES as readonly string[]).includes(row.service) && DECIMAL_AMOUNT.test(row.amount)
	);
}

function outcomes(run: ExecutionRun): RowOutcome[] {
	const rows = nodeItems(run, BATCH.rowsNode).map((item) => item.json as unknown as CsvRow);
	const byRow = new Map<number, RowOutcome>();
	const record = (outcome: Omit<RowOutcome, 'row'>, rowIndex: number | undefined) => {
		if (rowIndex === undefined || byRow.has(rowIndex) || rows[rowIndex] === undefined) {
			throw new Error(
				`The payout node's output does not pair one item with each row (row ${rowIndex})`,
			);
		}
		byRow.set(rowIndex, { row: rows[rowIndex], ...outcome });
	};
	for (const item of nodeItems(run, BATCH.payoutNode, 0)) {
		record(
			{
				accepted: true,
				id: item.json.id,
				paymentStatus: item.json.payment_status,
				alreadyCreated: item.json.alreadyCreated === true,
				found: item.json.found === true,
			},
			item.pairedItem?.item,
		);
	}
	for (const item of nodeItems(run, BATCH.payoutNode, 1)) {
		record({ accepted: false, error: String(item.json.error) }, item.pairedItem?.item);
	}
	const unanswered = rows.filter((_, index) => !byRow.has(index));
	if (unanswered.length > 0) {
		throw new Error(`No output item for ${unanswered.map((row) => row.order_id).join(', ')}`);
	}
	return rows.map((_, index) => byRow.get(index) as RowOutcome);
}

function printTable(rows: RowOutcome[]): void {
	const header = ['order_id', 'amount', 'service', 'AliKassa id', 'payment_status'];
	const label = (outcome: RowOutcome) =>
		outcome.alreadyCreated ? ' (already created)' : outcome.found ? ' (found)' : '';
	const body = rows.map((outcome) => [
		outcome.row.order_id,
		outcome.row.amount,
		outcome.row.service,
		outcome.accepted ? String(outcome.id) : '-',
		outcome.accepted ? `${String(outcome.paymentStatus)}${label(outcome)}` : `${outcome.error}`,
	]);
	const last = header.length - 1;
	const widths = header.map((_, column) =>
		Math.max(...[header, ...body].map((cells) => cells[column].length)),
	);
	const line = (cells: string[]) =>
		cells
			.map((cell, column) => {
				if (column === last) return cell;
				return column === 1 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]);
			})
			.join('  ');
	print(line(header));
	print(
		line(
			header.map((title, column) => '-'.repeat(column === last ? title.length : widths[column])),
		),
	);
	body.forEach((cells) => print(line(cells)));
}

function printTotals(rows: RowOutcome[]): void {
	const accepted = rows.filter((outcome) => outcome.accepted);
	// made now only where AliKassa answered this run's send with the payout
	const created = accepted.filter((outcome) => !outcome.alreadyCreated && !outcome.found);
	const found = accepted.filter((outcome) => outcome.found).length;
	// Only "Not paid" is proof; any other failure leaves the money's fate open.
	const notPaid = rows.filter(
		(outcome) => !outcome.accepted && NOT_PAID.test(outcome.error ?? ''),
	).length;
	const createdCents = created.reduce((sum, { row }) => sum + centsOf(row.amount), 0);
	print();
	print(
		`Rows: ${rows.length}   Created: ${created.length}   Already created: ${accepted.length - created.length - found}` +
			`   Found (made now or earlier: unknown): ${found}` +
			`   Not paid: ${notPaid}   Outcome unknown: ${rows.length - accepted.length - notPaid}` +
			`   Paid out by this run: ${formatCents(createdCents)} RUB`,
	);
}

/**
 * What the sandbox saw that contradicts the table; empty when all is well. `paidBefore`: the
 * order_ids the sandbox had before this run, which must come out `alreadyCreated`.
 */
function crossCheck(
	rows: RowOutcome[],
	requests: RecordedRequest[],
	payouts: SandboxPayout[],
	paidBefore: ReadonlySet<string>,
): string[] {
	const problems: string[] = [];
	const payoutRequests = requests.filter((request) => request.path === '/v1/payout');
	for (const { row, accepted, id, alreadyCreated, found, error } of rows) {
		const sent = payoutRequests.filter((request) => orderIdOf(request) === row.order_id);
		const paid = payouts.filter((payout) => payout.orderId === row.order_id);
		if (sent.some((request) => !request.signatureValid)) {
			problems.push(`${row.order_id}: the sandbox got a request with an invalid signature`);
		}
		if (!shouldBePaid(row)) {
			if (accepted) problems.push(`${row.order_id}: should have failed, but was accepted`);
			else if (!NOT_PAID.test(error ?? '')) {
				problems.push(`${row.order_id}: was refused, but the message does not say "Not paid"`);
			}
			if (paid.length > 0) problems.push(`${row.order_id}: should not have been paid, but was`);
			continue;
		}
		if (!accepted) problems.push(`${row.order_id}: should have been accepted, but failed`);
		// "found" claims neither way; the other two must match what the sandbox had before
		else if (!found && alreadyCreated !== paidBefore.has(row.order_id)) {
			problems.push(
				`${row.order_id}: reported ${alreadyCreated ? 'already created' : 'created now'}, but it was ${paidBefore.has(row.order_id) ? 'paid by an earlier run' : 'not paid before'}`,
			);
		}
		if (sent.filter((request) => request.status === 200).length !== 1) {
			problems.push(
				`${row.order_id}: expected one accepted request, the sandbox answered ${sent.map((request) => request.status).join(', ') || 'nothing'}`,
			);
		}
		if (
			paid.length !== 1 ||
			paid[0].id !== id ||
			paid[0].amount !== formatCents(centsOf(row.amount))
		) {
			problems.push(
				`${row.order_id}: expected one payout #${String(id)} of ${row.amount}, the sandbox has ${JSON.stringify(paid.map(({ id: paidId, amount }) => ({ id: paidId, amount })))}`,
			);
		}
	}
	const orderIds = payouts.map((payout) => payout.orderId);
	const paidTwice = orderIds.filter((orderId, index) => orderIds.indexOf(orderId) !== index);
	if (paidTwice.length > 0) problems.push(`paid twice: ${paidTwice.join(', ')}`);
	return problems;
}

/**
 * Runs the batch once, prints every row and its totals, and checks them against the sandbox.
 * Resolves with the problems found, or null when the workflow itself failed.
 */
async function runBatch(
	userFolder: N8nUserFolder,
	sandbox: SandboxProcess,
): Promise<string[] | null> {
	const paidBefore = new Set((await sandbox.payouts()).map((payout) => payout.orderId));
	print();
	const execution = await userFolder.execute(BATCH.id);
	if (execution.failed) {
		const error = execution.run.data.resultData.error;
		print(
			`The workflow failed: ${error?.message}${error?.description ? ` (${error.description})` : ''}`,
		);
		return null;
	}
	const rows = outcomes(execution.run);
	printTable(rows);
	printTotals(rows);

	const problems = crossCheck(rows, await sandbox.requests(), await sandbox.payouts(), paidBefore);
	print();
	print('Cross-check against the sandbox (/_sandbox/requests, /_sandbox/payouts):');
	if (problems.length === 0) {
		print('  OK: every good row reached AliKassa once with a valid signature and was paid once,');
		print('      each reported with its id (already created if an earlier run paid it);');
		print('      every refused row said "Not paid"; nothing was paid twice.');
	} else {
		problems.forEach((problem) => print(`  PROBLEM: ${problem}`));
	}
	return problems;
}

/**
 * Gives the rows of the CSV file with a service AliKassa does not know a service it does, as a
 * person fixes a refused row. The file is plain (no quoted commas). Returns what it changed.
 */
function fixRefusedRows(csvFile: string): string[] {
	const [header, ...lines] = readFileSync(csvFile, 'utf8').trimEnd().split('\n');
	const columns = header.split(',');
	const orderIdColumn = columns.indexOf('order_id');
	const serviceColumn = columns.indexOf('service');
	const changes: string[] = [];
	const fixed = lines.map((line) => {
		const cells = line.split(',');
		if ((PAYOUT_SERVICES as readonly string[]).includes(cells[serviceColumn])) return line;
		changes.push(`${cells[orderIdColumn]}: service ${cells[serviceColumn]} → ${FIXED_SERVICE}`);
		cells[serviceColumn] = FIXED_SERVICE;
		return cells.join(',');
	});
	writeFileSync(csvFile, `${[header, ...fixed].join('\n')}\n`);
	return changes;
}

async function main(): Promise<number> {
	const started = Date.now();
	await ensureN8nInstalled();
	const pkg = await preparePackage();
	print(
		`Installed ${pkg.tarball.split('/').pop()} into a fresh n8n user folder the way n8n's Community Nodes installer does.`,
	);
	const sandbox = await SandboxProcess.start();
	const dataDir = mkdtempSync(join(tmpdir(), 'alikassa-demo-'));
	const payoutsCsv = join(dataDir, 'payouts.csv');
	copyFileSync(PAYOUTS_CSV, payoutsCsv);
	const userFolder = await N8nUserFolder.create(pkg, { readableDirs: [dataDir] });
	try {
		print(`AliKassa sandbox: ${sandbox.url}`);
		await userFolder.importCredentials([sandboxCredential(sandbox.url)]);
		await userFolder.importWorkflows([
			pointWorkflowAt(loadExample(BATCH.file), { sandboxUrl: sandbox.url, payoutsCsv }),
		]);
		print(
			`Running examples/${BATCH.file} headless (n8n execute) on a copy of examples/payouts.csv…`,
		);
		const first = await runBatch(userFolder, sandbox);
		if (first === null) return 1;
		print();
		print('Fixing the refused row in the copy:');
		fixRefusedRows(payoutsCsv).forEach((change) => print(`  ${change}`));
		print('…and running the same batch again, as a person would after a stop or a crash');
		print('(running again is how to find out what was paid; nothing is paid twice):');
		const second = await runBatch(userFolder, sandbox);
		if (second === null) return 1;
		const problems = [...first, ...second];
		print(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
		return problems.length === 0 ? 0 : 1;
	} finally {
		await sandbox.stop();
		userFolder.remove();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

main().then(
	(exitCode) => {
		process.exitCode = exitCode;
	},
	(error: unknown) => {
		process.stderr.write(
			`Demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exitCode = 1;
	},
);
