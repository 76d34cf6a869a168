import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { CredentialsError, readCredentials, signRequest } from '../core/credentials';
import { formatMoney } from '../core/money';
import { PrivateKeyError } from '../core/privateKey';

function parseJson(text: unknown): Record<string, unknown> | undefined {
	if (typeof text !== 'string')
		return typeof text === 'object' && text ? (text as Record<string, unknown>) : undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return typeof parsed === 'object' && parsed ? (parsed as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Checks locally first (UUID, key, password: each with its own message), then makes a
 * signed v1/account/balance call, which proves AliKassa accepts the account and the key.
 */
export async function aliKassaPayoutApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	let signed;
	let baseUrl;
	try {
		const credentials = readCredentials(credential.data ?? {});
		baseUrl = credentials.baseUrl;
		signed = signRequest(credentials, []);
	} catch (error) {
		if (error instanceof PrivateKeyError || error instanceof CredentialsError) {
			return { status: 'Error', message: error.message };
		}
		throw error;
	}
	let response: { statusCode: number; body: unknown };
	try {
		response = await this.helpers.request({
			method: 'POST',
			uri: `${baseUrl}/v1/account/balance`,
			body: signed.body,
			headers: signed.headers,
			json: false,
			resolveWithFullResponse: true,
			simple: false,
			timeout: 15_000,
		});
	} catch (error) {
		return { status: 'Error', message: `Cannot reach ${baseUrl}: ${(error as Error).message}` };
	}
	const body = parseJson(response.body);
	if (response.statusCode === 200 && body && body.balance !== undefined) {
		return {
			status: 'OK',
			message:
				`Connected — balance ${formatMoney(body.balance)} ${String(body.currency ?? '')}`.trim(),
		};
	}
	const said = typeof body?.message === 'string' ? body.message : 'no reason given';
	return {
		status: 'Error',
		message: `AliKassa refused the credential (HTTP ${response.statusCode}): ${said}`,
	};
}
