import type { IAllExecuteFunctions, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { AliKassaCredentials } from '../core/credentials';
import { DEFAULT_TIMEOUT_SECONDS } from '../core/defaults';
import type { PhpJsonValue } from '../core/phpJson';
import { classifyException } from './classifyException';
import { classifyResponse, parseBody, type FullResponse } from './classifyResponse';
import { CREDENTIAL_TYPE } from './credentials';
import { AliKassaApiError } from './errors';

export interface AliKassaRequest {
	path: string;
	body?: PhpJsonValue;
	itemIndex?: number;
	timeoutMs?: number;
}

/**
 * POSTs a signed request (the credential's `authenticate` signs it) and returns AliKassa's
 * JSON answer, or throws an AliKassaApiError that says what happened in plain words. Any n8n
 * context that can make authenticated requests will do (a node's execute, a webhook).
 */
export async function aliKassaApiRequest(
	this: IAllExecuteFunctions,
	credentials: AliKassaCredentials,
	{ path, body, itemIndex, timeoutMs = DEFAULT_TIMEOUT_SECONDS * 1000 }: AliKassaRequest,
): Promise<IDataObject> {
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${credentials.baseUrl}/${path}`,
		body: body as IDataObject,
		json: true,
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A signed body is as good as money: it goes to the Base URL and nowhere else.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
	};
	let response: FullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as FullResponse;
	} catch (error) {
		throw new AliKassaApiError(
			this.getNode(),
			classifyException(path, error, timeoutMs),
			itemIndex,
		);
	}
	const failure = classifyResponse(path, response);
	if (failure) throw new AliKassaApiError(this.getNode(), failure, itemIndex);
	return parseBody(response.body) as IDataObject;
}
