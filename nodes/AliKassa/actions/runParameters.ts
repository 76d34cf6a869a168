import type { IExecuteFunctions, IGetNodeParameterOptions } from 'n8n-workflow';

/** n8n's rule: a parameter value is an expression when it is a string that starts with "=". */
function holdsExpression(raw: unknown): boolean {
	if (typeof raw === 'string') return raw.startsWith('=');
	if (Array.isArray(raw)) return raw.some(holdsExpression);
	if (raw !== null && typeof raw === 'object') return Object.values(raw).some(holdsExpression);
	return false;
}

/**
 * The node's parameters for the items of one run. n8n resolves, cleans and validates a
 * parameter again for every item that reads it, and in a batch that is per-payout work on
 * n8n's one thread. A parameter with no expression anywhere in it has the same value for every
 * item, so it is read once, from the first item that asks; an expression is evaluated for each
 * item as n8n does. A value read once is shared by all items: callers must not change it.
 */
export class RunParameters {
	private readonly sameForEveryItem = new Map<string, unknown>();
	/** the names found to hold an expression: their raw value is not looked at again */
	private readonly evaluatedPerItem = new Set<string>();

	constructor(readonly context: IExecuteFunctions) {}

	read(
		name: string,
		itemIndex: number,
		fallback?: unknown,
		options?: Pick<IGetNodeParameterOptions, 'extractValue'>,
	): unknown {
		if (this.sameForEveryItem.has(name)) return this.sameForEveryItem.get(name);
		const value = this.context.getNodeParameter(name, itemIndex, fallback, options);
		if (!this.evaluatedPerItem.has(name)) {
			const raw = this.context.getNodeParameter(name, itemIndex, fallback, {
				rawExpressions: true,
			});
			if (holdsExpression(raw)) this.evaluatedPerItem.add(name);
			else this.sameForEveryItem.set(name, value);
		}
		return value;
	}
}
