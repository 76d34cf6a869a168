export type PrivateKeyProblem =
	| 'empty'
	| 'too-long'
	| 'too-many-blocks'
	| 'not-pem'
	| 'public-key'
	| 'certificate'
	| 'damaged'
	| 'password-missing'
	| 'wrong-password'
	| 'costly-encryption'
	| 'legacy-cipher'
	| 'not-rsa'
	| 'too-many-bits';

const MESSAGES: Record<PrivateKeyProblem, string> = {
	empty:
		'The private key is empty. Paste the whole contents of private.pem from the AliKassa certificate archive.',
	'too-long':
		'The private key field holds more than 64 KB of text; private.pem is about 2 KB. Paste only the contents of private.pem.',
	'too-many-blocks':
		'The private key field holds more than 4 "-----BEGIN" blocks. Paste only the contents of private.pem.',
	'not-pem':
		'The private key is not a PEM key. Paste the whole contents of private.pem, from "-----BEGIN" to the "-----END" line.',
	'public-key':
		'This is a public key (public.pem). Paste private.pem from the same archive instead: AliKassa keeps public.pem, you keep private.pem.',
	certificate:
		'This is a certificate, not a private key. Paste private.pem from the AliKassa certificate archive.',
	damaged:
		'The private key is damaged: its contents do not decode. Paste private.pem again, all of it.',
	'password-missing':
		'The private key is protected by a password. Enter the contents of password.txt from the same archive.',
	'wrong-password':
		'The password does not open this private key. Use the contents of password.txt from the same archive as private.pem.',
	'costly-encryption':
		'The private key is encrypted with key-derivation settings far beyond what OpenSSL writes, so opening it would stall n8n; it is not opened.',
	'legacy-cipher':
		'The private key is encrypted with a legacy cipher that OpenSSL 3, and so n8n, no longer opens; it is not opened and nothing is sent.',
	'not-rsa':
		'The private key is not an RSA key. AliKassa payout certificates are RSA keys: use private.pem from the AliKassa archive.',
	'too-many-bits':
		'The private key is an RSA key above 8192 bits; AliKassa payout keys have 2048 or 4096, and a larger one would make every signature slow.',
};

/**
 * A problem with the pasted key or password; its message never quotes either of them, only
 * figures such as a key size or an iteration count.
 */
export class PrivateKeyError extends Error {
	constructor(
		readonly problem: PrivateKeyProblem,
		detail?: string,
	) {
		super(detail === undefined ? MESSAGES[problem] : `${MESSAGES[problem]} ${detail}`);
		this.name = 'PrivateKeyError';
	}
}
