import { base64nopad, bech32 } from "@scure/base";
import { createChunkAead } from "#aead";
import { hkdfSha256 } from "#kdf";
import { deriveSecret, ephemeralAgreement } from "#x25519-dh";
import { FILE_KEY_LENGTH } from "./commitment.ts";
import { PackageError } from "./errors.ts";
import type { Stanza } from "./header.ts";

// age-encryption wraps file keys only inside Encrypter.encrypt, with a file key it draws itself. Re-keying
// must wrap an existing file key, so the X25519 recipient stanza (C2SP age, "X25519 recipient type") is
// written here. It is read here too: age-encryption's identity recomputes its public key (a scalar
// multiplication) for every header, which a service unwrapping many headers with one key cannot afford.
const X25519_LABEL = new TextEncoder().encode("age-encryption.org/v1/X25519");
// Each wrap key seals exactly one file key, so the nonce is fixed at zero (age spec).
const ZERO_NONCE = new Uint8Array(12);

/** Decodes an age X25519 recipient ("age1..."), the public key the stanza is wrapped to. */
export function parseX25519Recipient(recipient: string): Uint8Array {
  try {
    if (typeof recipient === "string" && recipient.startsWith("age1")) {
      const { prefix, bytes } = bech32.decodeToBytes(recipient);
      if (prefix === "age" && bytes.length === 32) return bytes;
    }
  } catch (cause) {
    throw new PackageError("INVALID_RECIPIENT", "Not an age X25519 recipient.", {
      details: `"${String(recipient).slice(0, 80)}"`,
      cause,
    });
  }
  throw new PackageError("INVALID_RECIPIENT", "Not an age X25519 recipient.", {
    details: `"${String(recipient).slice(0, 80)}"`,
  });
}

/**
 * Native X25519 does the scalar multiplications (node:crypto under Node, WebCrypto in browsers, see
 * x25519-dh.ts): no key material in JavaScript memory beyond the shared secret.
 */
export async function wrapX25519(fileKey: Uint8Array, recipient: Uint8Array): Promise<Stanza> {
  let share: Uint8Array;
  let secret: Uint8Array;
  try {
    ({ share, secret } = await ephemeralAgreement(recipient));
  } catch (cause) {
    throw new PackageError("INVALID_RECIPIENT", "Cannot wrap the file key to this recipient.", {
      details: "X25519 key agreement failed (a low-order recipient, or no X25519 in this WebCrypto)",
      cause,
    });
  }
  // The age spec requires rejecting an all-zero shared secret.
  if (secret.every((b) => b === 0)) {
    throw new PackageError("INVALID_RECIPIENT", "The recipient is a low-order point.");
  }
  const salt = new Uint8Array(64);
  salt.set(share, 0);
  salt.set(recipient, 32);
  const wrapKey = hkdfSha256(secret, salt, X25519_LABEL, 32);
  const body = new Uint8Array(fileKey.length + 16);
  createChunkAead(wrapKey).seal(ZERO_NONCE, fileKey, body);
  return { type: "X25519", args: [base64nopad.encode(share)], body };
}

/** An X25519 identity ready to unwrap many stanzas: the private key in WebCrypto and its public key. */
export type PreparedX25519Identity = {
  readonly key: CryptoKey;
  readonly publicKey: Uint8Array;
  /** The age recipient of the identity ("age1..."). */
  readonly recipient: string;
};

// PKCS #8 wrapping of a raw X25519 private key (RFC 8410): WebCrypto imports X25519 private keys only this way.
const PKCS8_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];
// The X25519 base point, u = 9.
const BASE_POINT = new Uint8Array(32);
BASE_POINT[0] = 9;
// A CryptoKey's public key cannot be read back from WebCrypto, so it is derived once per key and kept.
const preparedKeys = new WeakMap<CryptoKey, Promise<PreparedX25519Identity>>();

function invalidIdentity(cause?: unknown): PackageError {
  return new PackageError("INVALID_IDENTITY", "Not an age identity.", {
    details: "expected AGE-SECRET-KEY-1... or an X25519 private CryptoKey with deriveBits",
    cause,
  });
}

async function prepareKey(key: CryptoKey): Promise<PreparedX25519Identity> {
  const publicKey = await deriveSecret(key, BASE_POINT);
  return { key, publicKey, recipient: bech32.encodeFromBytes("age", publicKey) };
}

/**
 * Prepares an age X25519 identity ("AGE-SECRET-KEY-1..." or an X25519 private CryptoKey with deriveBits) for
 * unwrapping. CryptoKeys are prepared once per key and remembered, so passing the same key again is free.
 */
export async function prepareX25519Identity(identity: string | CryptoKey): Promise<PreparedX25519Identity> {
  if (typeof identity === "string") {
    let bytes: Uint8Array;
    try {
      const decoded = bech32.decodeToBytes(identity);
      if (decoded.prefix.toUpperCase() !== "AGE-SECRET-KEY-" || decoded.bytes.length !== 32) {
        throw new Error("not a 32-byte AGE-SECRET-KEY-");
      }
      bytes = decoded.bytes;
    } catch (cause) {
      throw invalidIdentity(cause);
    }
    if (!identity.startsWith("AGE-SECRET-KEY-1")) throw invalidIdentity();
    const pkcs8 = new Uint8Array([...PKCS8_PREFIX, ...bytes]);
    bytes.fill(0);
    try {
      const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
      return await prepareKey(key);
    } catch (cause) {
      throw invalidIdentity(cause);
    } finally {
      pkcs8.fill(0);
    }
  }
  if (!isX25519PrivateKey(identity)) throw invalidIdentity();
  let prepared = preparedKeys.get(identity);
  if (!prepared) {
    prepared = prepareKey(identity);
    preparedKeys.set(identity, prepared);
    prepared.catch(() => preparedKeys.delete(identity));
  }
  try {
    return await prepared;
  } catch (cause) {
    throw invalidIdentity(cause);
  }
}

export function isX25519PrivateKey(identity: unknown): identity is CryptoKey {
  return (
    typeof CryptoKey !== "undefined" &&
    identity instanceof CryptoKey &&
    identity.type === "private" &&
    identity.algorithm.name === "X25519" &&
    identity.usages.includes("deriveBits")
  );
}

/**
 * The file key of an X25519 stanza if it is wrapped to `identity`, else null. The stanza must already be
 * well formed (parseHeader checks share and body lengths).
 */
export async function unwrapX25519(
  stanza: Stanza,
  identity: PreparedX25519Identity,
): Promise<Uint8Array | null> {
  const share = base64nopad.decode(stanza.args[0] as string);
  let secret: Uint8Array;
  try {
    secret = await deriveSecret(identity.key, share);
  } catch (cause) {
    throw new PackageError("HEADER_MALFORMED", "The package header is malformed.", {
      details: "an X25519 stanza's share is not a usable public key",
      cause,
    });
  }
  // The age spec requires rejecting an all-zero shared secret (a low-order share).
  if (secret.every((b) => b === 0)) {
    throw new PackageError("HEADER_MALFORMED", "The package header is malformed.", {
      details: "an X25519 stanza's share is a low-order point",
    });
  }
  const salt = new Uint8Array(64);
  salt.set(share, 0);
  salt.set(identity.publicKey, 32);
  const wrapKey = hkdfSha256(secret, salt, X25519_LABEL, 32);
  const fileKey = new Uint8Array(FILE_KEY_LENGTH);
  return createChunkAead(wrapKey).open(ZERO_NONCE, stanza.body, fileKey) ? fileKey : null;
}
