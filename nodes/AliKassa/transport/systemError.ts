/** A failure shaped as Node reports system errors, so classifyException reads its code. */
export function systemError(message: string, code: string): Error {
	return Object.assign(new Error(message), { code });
}
