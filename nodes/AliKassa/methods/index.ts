import { aliKassaNotificationsApiTest } from './credentialTest';
import { searchPayoutServices } from './listSearch';

export const credentialTest = { aliKassaNotificationsApiTest };
export const listSearch = { searchPayoutServices };
