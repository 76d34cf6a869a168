import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

export class AliKassaNotificationsApi implements ICredentialType {
	name = 'aliKassaNotificationsApi';

	displayName = 'AliKassa Notifications API';

	icon: Icon = { light: 'file:../icons/alikassa.svg', dark: 'file:../icons/alikassa.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-alikassa/n8n-nodes-alikassa#alikassa-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Notifications Public Key',
			name: 'publicKey',
			type: 'string',
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing -- public.pem is not a secret
			typeOptions: { rows: 6 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PUBLIC KEY-----',
			description:
				'Whole contents of public.pem from the "API certificate for notifications" archive (cabinet → Settings → API certificates). AliKassa signs every notification with the matching private key.',
		},
	];
}
