import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CredentialsError, readCredentials, type AliKassaCredentials } from '../core/credentials';
import { PrivateKeyError } from '../core/privateKey';
import { getBodySigner } from '../core/signer';

export const CREDENTIAL_TYPE = 'aliKassaPayoutApi';

/** Reads the credential and loads its key once, so a bad key fails before anything is sent. */
export async function loadCredentials(
	context: Pick<IExecuteFunctions, 'getCredentials' | 'getNode'>,
): Promise<AliKassaCredentials> {
	const data = await context.getCredentials(CREDENTIAL_TYPE);
	try {
		const credentials = readCredentials(data);
		getBodySigner(credentials);
		return credentials;
	} catch (error) {
		// PrivateKeyError and CredentialsError say what is wrong; anything else is still the
		// credential that could not be loaded
		const said = error instanceof PrivateKeyError || error instanceof CredentialsError;
		throw new NodeOperationError(
			context.getNode(),
			`AliKassa credential: ${said ? error.message : String(error)}`,
			{ description: 'Open the AliKassa Payout API credential and check it.' },
		);
	}
}
