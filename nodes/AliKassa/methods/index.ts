import { aliKassaPayoutApiTest } from './credentialTest';

export const credentialTest = { aliKassaPayoutApiTest };
