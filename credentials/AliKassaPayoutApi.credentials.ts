import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, readCredentials, signRequest } from '../nodes/AliKassa/core/credentials';
import type { PhpJsonValue } from '../nodes/AliKassa/core/phpJson';
import {
	checkAmountLimit,
	checkPayoutQuery,
	checkRequestProxy,
	signingTarget,
} from '../nodes/AliKassa/core/signingScope';

/** What n8n's older request helper (the HTTP Request node's path) reads besides `url`. */
interface OlderRequestOptions {
	uri?: string;
	followRedirect?: boolean;
	followAllRedirects?: boolean;
}

export class AliKassaPayoutApi implements ICredentialType {
	name = 'aliKassaPayoutApi';

	displayName = 'AliKassa Payout API';

	icon: Icon = { light: 'file:../icons/alikassa.svg', dark: 'file:../icons/alikassa.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-alikassa/n8n-nodes-alikassa#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '93d5df06-996c-48c3-9847-348d6b580b80',
			description: 'UUID of the account to pay from, shown in the AliKassa cabinet under Accounts',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			description:
				'Whole contents of private.pem from the "API certificate for payouts" archive (cabinet → Settings → API certificates)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Contents of password.txt from the same archive',
		},
		{
			displayName: 'Signature Hash',
			name: 'signatureHash',
			type: 'options',
			options: [
				{
					name: 'SHA-1 (AliKassa PHP Sample)',
					value: 'sha1',
					description:
						"What AliKassa's PHP sample signs with: keep it unless AliKassa told you otherwise",
				},
				{
					name: 'SHA-256',
					value: 'sha256',
					description: 'Only if AliKassa told you to sign with SHA-256',
				},
			],
			default: 'sha1',
			description:
				"Hash used in the RSA signature. AliKassa's PHP sample uses openssl_sign's default, SHA-1.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'AliKassa API address. Use https://api-merchant.alikassa.io for the mirror, or the local sandbox address to try workflows.',
		},
		{
			displayName: 'Maximum Amount per Payout',
			name: 'maxAmount',
			type: 'string',
			default: '',
			placeholder: 'e.g. 50000.00',
			description:
				'Optional. A payout above this amount is refused before anything is signed or sent, whatever a workflow, a CSV column or an AI agent asks for. Leave empty for no limit.',
		},
	];

	/**
	 * Test runs through `authenticate`, so a key, password, Account ID or Base URL that cannot
	 * sign gives its own message before anything is sent; then AliKassa judges the signature.
	 * (n8n 2.8.4 shows a refusal as its own "Authorization failed - please check your
	 * credentials": the status-code `rules` never see the response there.)
	 */
	test: ICredentialTestRequest = {
		request: { method: 'POST', url: '/v1/account/balance' },
	};

	/**
	 * Signs every request made with this credential, like n8n's AWS credential does, so the
	 * HTTP Request node can call any AliKassa endpoint too. The body is serialized here, once,
	 * and n8n sends that string unchanged. Only requests to the Base URL's origin are signed,
	 * and never followed through a redirect: n8n would carry the Sign header and, on a 307/308,
	 * the body along (its cross-origin option strips only Authorization). Nor is a request
	 * signed that a proxy could read (plain http), or a payout with fields outside its body.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The HTTP Request node arrives through n8n's older request helper, with `uri`.
		const { uri, ...options } = requestOptions as IHttpRequestOptions & OlderRequestOptions;
		const aliKassa = readCredentials(credentials);
		const url = signingTarget(aliKassa, options.url ?? uri, options.baseURL);
		const body = options.body as PhpJsonValue | string | undefined;
		checkRequestProxy(url, options.proxy);
		checkPayoutQuery(aliKassa, url, options.qs);
		checkAmountLimit(aliKassa, body, url);
		const signed = await signRequest(aliKassa, body);
		const noRedirects: OlderRequestOptions = {
			followRedirect: false,
			followAllRedirects: false,
		};
		return {
			...options,
			...noRedirects,
			url,
			baseURL: undefined,
			body: signed.body,
			headers: { ...options.headers, ...signed.headers },
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		};
	}
}
