export { loadCredentials, CREDENTIAL_TYPE } from './credentials';
export { AliKassaApiError, answerOrFailure } from './errors';
export type { ApiFailure, FailureKind } from './failure';
export { aliKassaApiRequest, type AliKassaRequest } from './request';
