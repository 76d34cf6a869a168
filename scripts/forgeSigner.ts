/**
 * node-forge as a second signer, independent of OpenSSL, for the tests and the bench: the node
 * signs with node:crypto only, and these prove its bytes identical to forge's (and PHP's).
 */
import type { KeyObject } from 'crypto';
import forge from 'node-forge';

import type { SignatureHash } from '../nodes/AliKassa/core/signer';

/** The key OpenSSL opened, handed to forge as its own PKCS#1 PEM. */
export function forgeKeyOf(key: KeyObject): forge.pki.rsa.PrivateKey {
	const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
	return forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey;
}

/** base64 RSASSA-PKCS1-v1_5 over the UTF-8 bytes of `body`, computed by forge */
export function signWithForge(
	key: forge.pki.rsa.PrivateKey,
	body: string,
	hash: SignatureHash,
): string {
	const digest = forge.md[hash].create();
	digest.update(body, 'utf8');
	return forge.util.encode64(key.sign(digest));
}
