import { createCipheriv, createDecipheriv, createSecretKey } from "node:crypto";
import type { ChunkAead } from "./aead.ts";

const TAG_LENGTH = 16;

/** OpenSSL's ChaCha20-Poly1305: an order of magnitude faster than the portable one, selected under Node. */
export function createChunkAead(key: Uint8Array): ChunkAead {
  const secret = createSecretKey(key);
  return {
    seal(nonce, plaintext, out) {
      const cipher = createCipheriv("chacha20-poly1305", secret, nonce, { authTagLength: TAG_LENGTH });
      out.set(cipher.update(plaintext), 0);
      cipher.final();
      out.set(cipher.getAuthTag(), plaintext.length);
    },
    open(nonce, sealed, out) {
      const split = sealed.length - TAG_LENGTH;
      const decipher = createDecipheriv("chacha20-poly1305", secret, nonce, { authTagLength: TAG_LENGTH });
      decipher.setAuthTag(sealed.subarray(split));
      const plaintext = decipher.update(sealed.subarray(0, split));
      try {
        decipher.final();
      } catch {
        return false;
      }
      out.set(plaintext, 0);
      return true;
    },
  };
}
