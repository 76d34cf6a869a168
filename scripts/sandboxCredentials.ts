import { readFileSync } from 'fs';
import { join } from 'path';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { SANDBOX_ACCOUNT_ID, sandboxCertDir } from '../sandbox/server';

export const SANDBOX_PRIVATE_KEY = readFileSync(
	join(sandboxCertDir(), 'payout', 'private.pem'),
	'utf8',
);
export const SANDBOX_PASSWORD = readFileSync(
	join(sandboxCertDir(), 'payout', 'password.txt'),
	'utf8',
);

/** The credential a user would fill in from the sandbox's certificate archive. */
export function sandboxCredentials(
	baseUrl: string,
	overrides: Partial<Record<string, string>> = {},
): ICredentialDataDecryptedObject {
	return {
		accountId: SANDBOX_ACCOUNT_ID,
		privateKey: SANDBOX_PRIVATE_KEY,
		password: SANDBOX_PASSWORD,
		signatureHash: 'sha1',
		baseUrl,
		...overrides,
	};
}

/** Every place a secret could surface must be free of the key body lines and the password. */
export function expectNoSecrets(text: string): void {
	const keyLines = SANDBOX_PRIVATE_KEY.split('\n').filter(
		(line) => line.length > 20 && !line.startsWith('-----'),
	);
	for (const line of keyLines) {
		if (text.includes(line)) throw new Error('the private key leaked into the text under test');
	}
	if (text.includes(SANDBOX_PASSWORD.trim()))
		throw new Error('the key password leaked into the text under test');
}
