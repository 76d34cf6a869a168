/**
 * Just enough of Laravel's validator to answer like AliKassa: HTTP 400,
 * `{"message":"The given data was invalid.","errors":{"field":["..."]}}`, every failing field at
 * once, Laravel 8 wording. Each field reports its first failing rule, as with Laravel's `bail`.
 */
import { isRecord, phpJsonAnswer, type Answer } from './http';

/** null when the value passes, else Laravel's message naming the field by `label`. */
export type Rule = (value: unknown, label: string) => string | null;

export interface FieldRules {
	/** Dotted for nested fields, such as 'extra.card_holder'. */
	field: string;
	required?: boolean;
	/** Laravel's required_without: required when that other field is missing. */
	requiredWithout?: string;
	rules: readonly Rule[];
}

export type ValidationErrors = Record<string, string[]>;

export function validationFailure(errors: ValidationErrors): Answer {
	return phpJsonAnswer(400, { message: 'The given data was invalid.', errors });
}

export function validate(input: unknown, fields: readonly FieldRules[]): ValidationErrors {
	const errors: ValidationErrors = {};
	for (const spec of fields) {
		const message = firstFailure(input, spec);
		if (message !== null) errors[spec.field] = [message];
	}
	return errors;
}

/** Laravel's `required` treats null, blank text and an empty array as missing. */
export function isMissing(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** Laravel names a field in messages with its underscores as spaces. */
function labelOf(field: string): string {
	return field.replace(/_/g, ' ');
}

function valueAt(input: unknown, field: string): unknown {
	return field
		.split('.')
		.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), input);
}

function firstFailure(input: unknown, spec: FieldRules): string | null {
	const value = valueAt(input, spec.field);
	const label = labelOf(spec.field);
	if (isMissing(value)) {
		const presenceMessage = presenceFailure(input, spec, label);
		// Without `nullable`, Laravel still runs the rules on a null that was sent.
		if (presenceMessage !== null || value === undefined) return presenceMessage;
	}
	for (const rule of spec.rules) {
		const message = rule(value, label);
		if (message !== null) return message;
	}
	return null;
}

function presenceFailure(input: unknown, spec: FieldRules, label: string): string | null {
	if (spec.required) return `The ${label} field is required.`;
	if (spec.requiredWithout !== undefined && isMissing(valueAt(input, spec.requiredWithout))) {
		return `The ${label} field is required when ${labelOf(spec.requiredWithout)} is not present.`;
	}
	return null;
}

/** PHP's is_numeric: what Laravel's `numeric` accepts in text. */
const PHP_NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const PHP_INTEGER = /^\s*[+-]?\d+\s*$/;

export const string: Rule = (value, label) =>
	typeof value === 'string' ? null : `The ${label} must be a string.`;

export const numeric: Rule = (value, label) =>
	(typeof value === 'number' && Number.isFinite(value)) ||
	(typeof value === 'string' && PHP_NUMERIC.test(value))
		? null
		: `The ${label} must be a number.`;

export const integer: Rule = (value, label) =>
	Number.isSafeInteger(value) || (typeof value === 'string' && PHP_INTEGER.test(value))
		? null
		: `The ${label} must be an integer.`;

/** A JSON object or list: both decode to a PHP array. */
export const array: Rule = (value, label) =>
	typeof value === 'object' && value !== null ? null : `The ${label} must be an array.`;

export const url: Rule = (value, label) =>
	isWebUrl(value) ? null : `The ${label} format is invalid.`;

export const dateYmd: Rule = (value, label) =>
	isCalendarDate(value) ? null : `The ${label} does not match the format Y-m-d.`;

export const greaterThanZero: Rule = (value, label) =>
	Number(value) > 0 ? null : `The ${label} must be greater than 0.`;

export function maxNumber(max: number): Rule {
	return (value, label) =>
		Number(value) <= max ? null : `The ${label} may not be greater than ${max}.`;
}

export function maxChars(max: number): Rule {
	return (value, label) =>
		characterCount(value) <= max ? null : `The ${label} may not be greater than ${max} characters.`;
}

export function exactChars(size: number): Rule {
	return (value, label) =>
		characterCount(value) === size ? null : `The ${label} must be ${size} characters.`;
}

export function matches(pattern: RegExp): Rule {
	return (value, label) =>
		pattern.test(String(value).trim()) ? null : `The ${label} format is invalid.`;
}

export function oneOf(allowed: readonly string[]): Rule {
	return (value, label) =>
		typeof value === 'string' && allowed.includes(value)
			? null
			: `The selected ${label} is invalid.`;
}

export function unique(isTaken: (value: unknown) => boolean): Rule {
	return (value, label) => (isTaken(value) ? `The ${label} has already been taken.` : null);
}

/** mb_strlen counts code points, not UTF-16 units. */
function characterCount(value: unknown): number {
	return [...String(value)].length;
}

/** The sandbox calls notification URLs with GET, so only http(s) addresses make sense. */
function isWebUrl(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	try {
		const parsed = new URL(value);
		return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
	} catch {
		return false;
	}
}

/** Laravel's date_format rejects dates that do not exist, such as 1999-02-30. */
function isCalendarDate(value: unknown): boolean {
	if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
