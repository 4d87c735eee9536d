import assert from "node:assert/strict";
import { hkdfSync, randomBytes } from "node:crypto";
import { test } from "vitest";
import * as portableKdf from "../../packages/package/src/kdf.ts";
import * as nodeKdf from "../../packages/package/src/kdf-node.ts";

// Node and browsers derive the same keys and MACs: the two implementations, and node:crypto's own HKDF.
test("HKDF-SHA-256 and HMAC-SHA-256 agree between Node's and the portable implementation", () => {
  for (const length of [1, 16, 32, 33, 64, 100, 255 * 32]) {
    for (const salt of [undefined, new Uint8Array(0), randomBytes(32), randomBytes(100)]) {
      const ikm = randomBytes(16);
      const info = randomBytes(10);
      const derived = nodeKdf.hkdfSha256(ikm, salt, info, length);
      assert.deepEqual(derived, portableKdf.hkdfSha256(ikm, salt, info, length));
      assert.deepEqual(
        derived,
        new Uint8Array(hkdfSync("sha256", ikm, salt ?? new Uint8Array(0), info, length)),
      );
    }
  }
  for (const size of [0, 1, 64, 65, 1000]) {
    const key = randomBytes(size % 100);
    const message = randomBytes(size);
    assert.deepEqual(nodeKdf.hmacSha256(key, message), portableKdf.hmacSha256(key, message));
  }
  assert.throws(
    () => nodeKdf.hkdfSha256(randomBytes(16), undefined, new Uint8Array(0), 255 * 32 + 1),
    RangeError,
  );
});
