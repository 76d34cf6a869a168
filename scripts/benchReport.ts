/** The plain-text tables and PASS/MISS verdicts that `npm run bench` prints. */

export type Cell = string | number;

export interface TargetResult {
	target: string;
	measured: string;
	pass: boolean;
}

export const print = (line = ''): void => {
	process.stdout.write(`${line}\n`);
};

const NUMERIC = /^[-+]?[\d.,]+( ?[a-z%×]+)?$|^n\/a$/i;

/** Columns as wide as their widest cell; figures right-aligned so their digits line up. */
export function printTable(
	title: string,
	headers: string[],
	rows: Cell[][],
	notes: string[] = [],
): void {
	const cells = rows.map((row) => row.map(String));
	const widths = headers.map((header, column) =>
		Math.max(header.length, ...cells.map((row) => (row[column] ?? '').length)),
	);
	const rightAligned = headers.map(
		(_, column) => column > 0 && cells.every((row) => NUMERIC.test(row[column] ?? '')),
	);
	const line = (row: string[]) =>
		row
			.map((cell, column) =>
				rightAligned[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
			)
			.join('  ')
			.trimEnd();
	print(title);
	print();
	print(line(headers));
	print(line(widths.map((width) => '-'.repeat(width))));
	cells.forEach((row) => print(line(row)));
	notes.forEach((note) => print(note));
	print();
}

export function printSummary(results: TargetResult[]): void {
	printTable(
		'Summary',
		['target', 'measured', 'verdict'],
		results.map(({ target, measured, pass }) => [target, measured, pass ? 'PASS' : 'MISS']),
	);
}

/** Whole numbers from 100 up, one decimal below, as the spread between runs is wider than that. */
export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return 'n/a';
	return Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(1);
}

export const formatRatio = (value: number): string =>
	Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export const formatMs = (ms: number): string => `${ms.toFixed(1)} ms`;

export const formatMb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
