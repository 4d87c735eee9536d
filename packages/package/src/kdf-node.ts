import { createHmac, hkdfSync } from "node:crypto";

// OpenSSL's HKDF and HMAC, selected under Node: a service re-keying headers derives five keys and computes three
// MACs per header, and these take a few microseconds each where the portable ones take tens.

const noSalt = new Uint8Array(0);

/** HKDF-SHA-256 (RFC 5869); no salt is the all-zero salt (HMAC pads an empty key with the same zeros). */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", ikm, salt ?? noSalt, info, length));
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const mac = createHmac("sha256", key).update(message).digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength);
}
