import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64nopad, bech32 } from "@scure/base";
import { PackageError } from "./errors.ts";
import type { Stanza } from "./header.ts";

// age-encryption wraps file keys only inside Encrypter.encrypt, with a file key it draws itself. Re-keying
// must wrap an existing file key, so the X25519 recipient stanza (C2SP age, "X25519 recipient type") is
// written here; reading it stays with age-encryption's identities (see unwrapFileKey).
const X25519_LABEL = new TextEncoder().encode("age-encryption.org/v1/X25519");

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
 * WebCrypto's X25519 (Node 22, current browsers; the same the browser identity is kept in) does the
 * scalar multiplications: native speed, and no key material in JavaScript memory beyond the shared secret.
 */
export async function wrapX25519(fileKey: Uint8Array, recipient: Uint8Array): Promise<Stanza> {
  let share: Uint8Array;
  let secret: Uint8Array;
  try {
    const ephemeral = (await crypto.subtle.generateKey({ name: "X25519" }, true, [
      "deriveBits",
    ])) as CryptoKeyPair;
    share = new Uint8Array(await crypto.subtle.exportKey("raw", ephemeral.publicKey));
    const peer = await crypto.subtle.importKey(
      "raw",
      recipient as Uint8Array<ArrayBuffer>,
      { name: "X25519" },
      false,
      [],
    );
    secret = new Uint8Array(
      await crypto.subtle.deriveBits({ name: "X25519", public: peer }, ephemeral.privateKey, 256),
    );
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
  const wrapKey = hkdf(sha256, secret, salt, X25519_LABEL, 32);
  const body = chacha20poly1305(wrapKey, new Uint8Array(12)).encrypt(fileKey);
  return { type: "X25519", args: [base64nopad.encode(share)], body };
}
