import { createHmac } from "node:crypto";

// OpenSSL's HMAC, selected under Node: a service re-keying headers derives several keys and computes several MACs
// per header, and these take a few microseconds each where the portable ones take tens. HKDF is written out
// as its two HMAC steps: node:crypto's hkdfSync makes a KeyObject and a job for every call, and costs twice as
// much for the 32-byte keys age derives.

const noSalt = new Uint8Array(0);
const hashLength = 32;

/** HKDF-SHA-256 (RFC 5869); no salt is the all-zero salt (HMAC pads an empty key with the same zeros). */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLength) {
    throw new RangeError(`HKDF-SHA-256 cannot derive ${length} bytes.`);
  }
  const prk = createHmac("sha256", salt ?? noSalt)
    .update(ikm)
    .digest();
  const okm = new Uint8Array(length);
  let block: Uint8Array = noSalt;
  for (let counter = 1, offset = 0; offset < length; counter++, offset += hashLength) {
    block = createHmac("sha256", prk)
      .update(block)
      .update(info)
      .update(new Uint8Array([counter]))
      .digest();
    okm.set(block.subarray(0, length - offset), offset);
  }
  return okm;
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const mac = createHmac("sha256", key).update(message).digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength);
}
