import { createPublicKey, diffieHellman, generateKeyPairSync, KeyObject } from "node:crypto";

// node:crypto's X25519, selected under Node: the same OpenSSL as WebCrypto without its per-call job and
// promise machinery, several times cheaper for a service agreeing keys on every request.

const privateKeys = new WeakMap<CryptoKey, KeyObject>();

function privateKeyObject(key: CryptoKey): KeyObject {
  let object = privateKeys.get(key);
  if (!object) {
    // A view of the same key, also for non-extractable CryptoKeys: nothing is exported.
    object = KeyObject.from(key);
    privateKeys.set(key, object);
  }
  return object;
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("base64url");
  return createPublicKey({ key: { kty: "OKP", crv: "X25519", x }, format: "jwk" });
}

/** X25519(privateKey, publicKey): the 32-byte shared secret. */
export async function deriveSecret(privateKey: CryptoKey, publicKey: Uint8Array): Promise<Uint8Array> {
  const secret = diffieHellman({
    privateKey: privateKeyObject(privateKey),
    publicKey: publicKeyObject(publicKey),
  });
  return new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
}

/** A fresh ephemeral key agreed with `publicKey`: its public half (the share) and the shared secret. */
export async function ephemeralAgreement(
  publicKey: Uint8Array,
): Promise<{ share: Uint8Array; secret: Uint8Array }> {
  const ephemeral = generateKeyPairSync("x25519");
  const share = Buffer.from(ephemeral.publicKey.export({ format: "jwk" }).x as string, "base64url");
  const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyObject(publicKey) });
  return {
    share: new Uint8Array(share.buffer, share.byteOffset, share.byteLength),
    secret: new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength),
  };
}
