import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { readPublicKey } from '../core/notification';

/**
 * The notifications credential holds only AliKassa's public key, and there is nothing to call
 * with it: the test proves the key parses and is an RSA public key.
 */
export async function aliKassaNotificationsApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const text = String(credential.data?.publicKey ?? '');
	if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
		return {
			status: 'Error',
			message:
				'This is a private key. The notifications credential takes public.pem of the "API certificate for notifications"; a private key never belongs in n8n for notifications.',
		};
	}
	const read = readPublicKey(text);
	if ('problem' in read) return { status: 'Error', message: read.problem };
	return { status: 'OK', message: 'The notifications public key is an RSA public key.' };
}
