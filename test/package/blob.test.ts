import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { CHUNK_SIZE, decryptBlob, encryptBlob } from "@superdist/package";
import { decryptFile, encryptFile, readFileStream } from "@superdist/package/node";
import { loadWasmCipher } from "@superdist/package/wasm";
import { afterAll, describe, test } from "vitest";
import { collect, keyPair, lineage, open, rejectsWith, seal, sha256, tempDir } from "./fixtures.ts";

// The browser's paths under Node: encryptBlob/decryptBlob (what the dApp's worker calls) and the WebAssembly
// cipher it loads must write exactly the format the OpenSSL paths and the age tool read, and read theirs.
const run = promisify(execFile);
const tmp = await tempDir();
afterAll(() => tmp.remove());
const holder = await keyPair();
const verifier = await keyPair();
const options = { holderRecipients: [holder.recipient], verifierRecipient: verifier.recipient, lineage };
const wasm = await loadWasmCipher();

// Past the 16 MiB the Blob writer gathers before it makes a part, and not a whole number of chunks.
const large = randomBytes(16 * 1024 * 1024 + 3 * CHUNK_SIZE + 99);

describe("encryptBlob and decryptBlob", () => {
  for (const [name, cipher] of [
    ["the WebAssembly cipher", wasm],
    ["the platform's cipher", undefined],
  ] as const) {
    test(`with ${name}: age and decryptFile open what encryptBlob wrote, and decryptBlob opens encryptFile's`, async () => {
      const progress: number[] = [];
      const sealed = await encryptBlob(new Blob([large]), {
        ...options,
        cipher,
        onProgress: (done) => progress.push(done),
      });
      assert.equal(sealed.blob.size, sealed.packageSize);
      assert.equal(progress.at(-1), large.length);
      await writeFile(tmp.path("blob.age"), new Uint8Array(await sealed.blob.arrayBuffer()));
      await writeFile(tmp.path("identity.txt"), `${holder.identity}\n`);
      await run("age", [
        "-d",
        "-i",
        tmp.path("identity.txt"),
        "-o",
        tmp.path("by-age"),
        tmp.path("blob.age"),
      ]);
      assert.equal(sha256(await readFile(tmp.path("by-age"))), sha256(large));
      await decryptFile(tmp.path("blob.age"), tmp.path("by-node"), [holder.identity]);
      assert.equal(sha256(await readFile(tmp.path("by-node"))), sha256(large));

      await writeFile(tmp.path("plain"), large);
      await encryptFile(tmp.path("plain"), tmp.path("file.age"), options);
      const opened = await decryptBlob(new Blob([await readFile(tmp.path("file.age"))]), {
        identities: [holder.identity],
        cipher,
      });
      assert.equal(sha256(new Uint8Array(await opened.blob.arrayBuffer())), sha256(large));
    });
  }

  test("an empty plaintext and one of a single byte round-trip, through the stream API as well", async () => {
    for (const plaintext of [new Uint8Array(0), randomBytes(1)]) {
      const sealed = await encryptBlob(new Blob([plaintext]), { ...options, cipher: wasm });
      const pkg = new Uint8Array(await sealed.blob.arrayBuffer());
      assert.equal(sha256(await open(pkg, [holder.identity])), sha256(plaintext));
      const opened = await decryptBlob(sealed.blob, { identities: [verifier.identity], cipher: wasm });
      assert.equal(opened.blob.size, plaintext.length);
    }
  });

  test("damage is refused with the format's codes, and no plaintext is returned", async () => {
    const plaintext = randomBytes(3 * CHUNK_SIZE + 5);
    const { pkg, headerLength } = await seal(plaintext, holder, verifier);
    const flipped = pkg.slice();
    flipped[headerLength + 100] ^= 1;
    const cases = [
      [flipped, "PAYLOAD_CORRUPT"],
      [pkg.subarray(0, headerLength + 16 + 2 * (CHUNK_SIZE + 16)), "PAYLOAD_TRUNCATED"],
      [new Uint8Array([...pkg, 1, 2, 3]), "TRAILING_DATA"],
    ] as const;
    for (const [bytes, code] of cases) {
      for (const cipher of [wasm, undefined]) {
        const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
        await rejectsWith(decryptBlob(blob, { identities: [holder.identity], cipher }), code);
      }
    }
    const stranger = await keyPair();
    await rejectsWith(
      decryptBlob(new Blob([pkg as Uint8Array<ArrayBuffer>]), { identities: [stranger.identity] }),
      "NO_MATCHING_IDENTITY",
    );
  });
});

test("readFileStream yields a file from an offset, byte for byte", async () => {
  await writeFile(tmp.path("stream"), large);
  assert.equal(sha256(await collect(readFileStream(tmp.path("stream")))), sha256(large));
  assert.equal(
    sha256(await collect(readFileStream(tmp.path("stream"), 12345))),
    sha256(large.subarray(12345)),
  );
});
