import { NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_CONCURRENCY,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_CONCURRENCY,
	MAX_TIMEOUT_SECONDS,
} from '../core/defaults';
import type { RunParameters } from './runParameters';

/**
 * A number parameter that may come from an expression, checked before anything is sent: the
 * editor's min and max do not apply to expressions.
 */
export function readPositiveNumber(
	parameters: RunParameters,
	name: string,
	displayName: string,
	itemIndex: number,
	{ fallback, max, whole = false }: { fallback: number; max: number; whole?: boolean },
): number {
	const raw = parameters.read(name, itemIndex, fallback);
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (
		typeof value !== 'number' ||
		!Number.isFinite(value) ||
		value <= 0 ||
		value > max ||
		(whole && !Number.isInteger(value))
	) {
		throw new NodeOperationError(
			parameters.context.getNode(),
			`${displayName} must be a ${whole ? 'whole ' : ''}number above 0 and at most ${max}, got ${JSON.stringify(raw) ?? String(raw)}`,
			{ itemIndex, description: 'Nothing was sent to AliKassa.' },
		);
	}
	return value;
}

export function readTimeoutMs(parameters: RunParameters, itemIndex: number): number {
	return (
		readPositiveNumber(parameters, 'options.timeoutSeconds', 'Timeout (Seconds)', itemIndex, {
			fallback: DEFAULT_TIMEOUT_SECONDS,
			max: MAX_TIMEOUT_SECONDS,
		}) * 1000
	);
}

/** Read once for the run, from the first item. */
export function readConcurrency(parameters: RunParameters): number {
	return readPositiveNumber(parameters, 'options.concurrency', 'Concurrency', 0, {
		fallback: DEFAULT_CONCURRENCY,
		max: MAX_CONCURRENCY,
		whole: true,
	});
}
