import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import {
  CHUNK_SIZE,
  decryptPackage,
  encryptPackage,
  keyCommitment,
  packageSize,
  plaintextSizeOfPayload,
} from "@superdist/package";
import { decryptFile, encryptFile, readHeaderFromFile } from "@superdist/package/node";
import { afterAll, describe, test } from "vitest";
import { collect, keyPair, lineage, open, rejectsWith, seal, sha256, streamOf, tempDir } from "./fixtures.ts";

const holder = await keyPair();
const verifier = await keyPair();
const tmp = await tempDir();
afterAll(() => tmp.remove());

const sizes = [0, 1, CHUNK_SIZE, CHUNK_SIZE + 1, 1 << 20, 20 * (1 << 20) + 12345];

describe("file round trip", () => {
  for (const size of sizes) {
    test(`${size} bytes`, async () => {
      const plaintext = randomBytes(size);
      await writeFile(tmp.path(`plain-${size}`), plaintext);
      const encryptProgress: [number, number | undefined][] = [];
      const sealed = await encryptFile(
        tmp.path(`plain-${size}`),
        tmp.path(`pkg-${size}`),
        { holderRecipients: [holder.recipient], verifierRecipient: verifier.recipient, lineage },
        (done, total) => encryptProgress.push([done, total]),
      );
      const { size: onDisk } = await stat(tmp.path(`pkg-${size}`));
      assert.equal(onDisk, sealed.packageSize);
      assert.equal(onDisk, packageSize(sealed.header.bytes.length, size));
      assert.equal(plaintextSizeOfPayload(onDisk - sealed.header.bytes.length), size);
      assert.deepEqual((await readHeaderFromFile(tmp.path(`pkg-${size}`))).bytes, sealed.header.bytes);
      assert.deepEqual(encryptProgress.at(-1), [size, size]);

      const decryptProgress: [number, number | undefined][] = [];
      const opened = await decryptFile(
        tmp.path(`pkg-${size}`),
        tmp.path(`out-${size}`),
        [holder.identity],
        (d, t) => decryptProgress.push([d, t]),
      );
      assert.equal(opened.plaintextSize, size);
      assert.deepEqual(opened.fileKey, sealed.fileKey);
      assert.equal(sha256(await readFile(tmp.path(`out-${size}`))), sha256(plaintext));
      assert.deepEqual(decryptProgress.at(-1), [size, size]);
      for (let i = 1; i < decryptProgress.length; i++) {
        assert.ok((decryptProgress[i]?.[0] as number) >= (decryptProgress[i - 1]?.[0] as number));
      }
      // The verifier can open every copy too: that is how it re-keys without a key database.
      await decryptFile(tmp.path(`pkg-${size}`), tmp.path(`out-v-${size}`), [verifier.identity]);
      assert.equal(sha256(await readFile(tmp.path(`out-v-${size}`))), sha256(plaintext));
    });
  }
});

describe("a file key chosen before encrypting", () => {
  test("is used as given, so its commitment can be published first", async () => {
    const fileKey = crypto.getRandomValues(new Uint8Array(16));
    const commitment = keyCommitment(fileKey);
    const plaintext = randomBytes(1000);
    await writeFile(tmp.path("chosen"), plaintext);
    const options = {
      fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: verifier.recipient,
      lineage,
    };
    const fromFile = await encryptFile(tmp.path("chosen"), tmp.path("chosen.age"), options);
    assert.equal(fromFile.keyCommitment, commitment);
    const opened = await decryptFile(tmp.path("chosen.age"), tmp.path("chosen.out"), [holder.identity]);
    assert.deepEqual(opened.fileKey, fileKey);
    const fromStream = await encryptPackage(streamOf(plaintext), options);
    assert.equal(fromStream.keyCommitment, commitment);
    assert.equal(
      sha256(await open(await collect(fromStream.stream), [verifier.identity])),
      sha256(plaintext),
    );
    await rejectsWith(
      encryptPackage(streamOf(plaintext), { ...options, fileKey: new Uint8Array(8) }),
      "INVALID_FILE_KEY",
    );
  });
});

describe("stream round trip", () => {
  test("any split of the input and of the package gives the same bytes", async () => {
    const plaintext = randomBytes(3 * CHUNK_SIZE + 999);
    const splits = [[7, 65535, 2], [CHUNK_SIZE], [CHUNK_SIZE + 1], [CHUNK_SIZE + 16], [3 * CHUNK_SIZE + 999]];
    for (const encryptSplit of [[1 << 20], [13, 70000], [CHUNK_SIZE]]) {
      const { pkg } = await seal(plaintext, holder, verifier, encryptSplit);
      for (const split of splits) {
        assert.equal(sha256(await open(pkg, [holder.identity], split)), sha256(plaintext), `split ${split}`);
      }
    }
    const tiny = plaintext.subarray(0, 100);
    const sealedTiny = await seal(tiny, holder, verifier, [1]);
    assert.equal(sha256(await open(sealedTiny.pkg, [holder.identity], [1])), sha256(tiny));
  });

  test("decryptPackage reports the plaintext size from the package size", async () => {
    const plaintext = randomBytes(2 * CHUNK_SIZE);
    const { pkg } = await seal(plaintext, holder, verifier);
    const opened = await decryptPackage(streamOf(pkg), {
      identities: [holder.identity],
      packageSize: pkg.length,
    });
    assert.equal(opened.plaintextSize, plaintext.length);
    assert.equal(sha256(await collect(opened.stream)), sha256(plaintext));
  });
});
