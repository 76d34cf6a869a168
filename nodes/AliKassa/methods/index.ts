import { aliKassaNotificationsApiTest } from './credentialTest';

export const credentialTest = { aliKassaNotificationsApiTest };
