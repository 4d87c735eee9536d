import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { CHUNK_SIZE, decryptPackage, encryptPackage } from "@superdist/package";
import { decryptFile, encryptFile, readFileStream } from "@superdist/package/node";
import { afterAll, describe, test } from "vitest";
import { collect, keyPair, lineage, rejectsWith, seal, sha256, streamOf, tempDir } from "./fixtures.ts";

const holder = await keyPair();
const verifier = await keyPair();
const options = { holderRecipients: [holder.recipient], verifierRecipient: verifier.recipient, lineage };
const tmp = await tempDir();
afterAll(() => tmp.remove());

const SEALED = CHUNK_SIZE + 16;

/**
 * Reads `stream` with a BYOB reader into one buffer of `size` bytes, reused for every read as a consumer
 * that writes each piece out before the next would; returns a copy of everything read and the pieces' sizes.
 */
async function readByob(stream: ReadableStream<Uint8Array>, size: number) {
  const reader = stream.getReader({ mode: "byob" });
  const parts: Uint8Array[] = [];
  const sizes: number[] = [];
  let buffer = new ArrayBuffer(size);
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done) break;
    assert.ok(value.length > 0 && value.length <= size);
    parts.push(value.slice());
    sizes.push(value.length);
    buffer = value.buffer;
  }
  return { bytes: new Uint8Array(Buffer.concat(parts)), sizes };
}

/** A readable byte stream of `bytes` that fills each read with at most `pieceSize` of them. */
function byteStreamOf(bytes: Uint8Array, pieceSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      const request = controller.byobRequest;
      const view = request?.view;
      const n = Math.min(pieceSize, bytes.length - offset, view?.byteLength ?? pieceSize);
      if (n === 0) {
        controller.close();
        request?.respond(0);
        return;
      }
      if (request && view) {
        new Uint8Array(view.buffer, view.byteOffset, n).set(bytes.subarray(offset, offset + n));
        request.respond(n);
      } else {
        controller.enqueue(bytes.slice(offset, offset + n));
      }
      offset += n;
    },
  });
}

// View sizes: smaller than one sealed chunk (output is copied in), exactly one, and larger.
const viewSizes = [1000, CHUNK_SIZE, SEALED, 3 * SEALED + 5, 1 << 20];

describe("BYOB readers", () => {
  test("read a package and its plaintext with the same bytes as a default reader, for any buffer size", async () => {
    const plaintext = randomBytes(5 * CHUNK_SIZE + 321);
    for (const size of viewSizes) {
      const sealed = await encryptPackage(streamOf(plaintext), options);
      const { bytes: pkg } = await readByob(sealed.stream, size);
      assert.deepEqual(pkg.subarray(0, sealed.header.bytes.length), sealed.header.bytes);
      const opened = await decryptPackage(streamOf(pkg), { identities: [holder.identity] });
      assert.equal(sha256((await readByob(opened.stream, size)).bytes), sha256(plaintext), `size ${size}`);
      const again = await decryptPackage(streamOf(pkg), { identities: [holder.identity] });
      assert.equal(sha256(await collect(again.stream)), sha256(plaintext), `size ${size}`);
    }
  });

  test("a buffer that holds whole chunks is filled with whole chunks", async () => {
    const plaintext = randomBytes(8 * CHUNK_SIZE);
    const sealed = await encryptPackage(streamOf(plaintext), options);
    const { bytes: pkg, sizes } = await readByob(sealed.stream, 3 * SEALED);
    // The header and nonce come first; every piece after them is whole sealed chunks, the last one last.
    for (const size of sizes.slice(1, -1)) assert.equal(size % SEALED, 0, `pieces ${sizes}`);
    const opened = await decryptPackage(streamOf(pkg), { identities: [holder.identity] });
    const { bytes, sizes: plainSizes } = await readByob(opened.stream, 3 * CHUNK_SIZE);
    assert.equal(sha256(bytes), sha256(plaintext));
    for (const size of plainSizes) assert.equal(size % CHUNK_SIZE, 0, `pieces ${plainSizes}`);
  });

  test("an empty plaintext and one of a single byte end the stream", async () => {
    for (const plaintext of [new Uint8Array(0), new Uint8Array([7])]) {
      const sealed = await encryptPackage(streamOf(plaintext), options);
      const { bytes: pkg } = await readByob(sealed.stream, 1 << 20);
      const opened = await decryptPackage(streamOf(pkg), { identities: [holder.identity] });
      assert.deepEqual((await readByob(opened.stream, 1 << 20)).bytes, plaintext);
    }
  });

  test("damage and truncation error the stream with the format's codes", async () => {
    const plaintext = randomBytes(4 * CHUNK_SIZE + 10);
    const { pkg, headerLength } = await seal(plaintext, holder, verifier);
    const damaged = pkg.slice();
    damaged[headerLength + 16 + SEALED + 5] ^= 1;
    const corrupt = await decryptPackage(streamOf(damaged), { identities: [holder.identity] });
    await rejectsWith(readByob(corrupt.stream, 1 << 20), "PAYLOAD_CORRUPT");
    const cut = await decryptPackage(streamOf(pkg.subarray(0, pkg.length - 100)), {
      identities: [holder.identity],
    });
    await rejectsWith(readByob(cut.stream, SEALED), "PAYLOAD_TRUNCATED");
  });
});

test("where readable byte streams are missing (Safari before 26.4), the package streams are default streams", async () => {
  const global = globalThis as { ReadableByteStreamController?: unknown };
  const saved = global.ReadableByteStreamController;
  const plaintext = randomBytes(2 * CHUNK_SIZE + 5);
  let pkg: Uint8Array;
  let opened: Awaited<ReturnType<typeof decryptPackage>>;
  delete global.ReadableByteStreamController;
  try {
    const sealed = await encryptPackage(streamOf(plaintext), options);
    assert.throws(() => sealed.stream.getReader({ mode: "byob" }), TypeError);
    pkg = await collect(sealed.stream);
    opened = await decryptPackage(streamOf(pkg), { identities: [holder.identity] });
  } finally {
    global.ReadableByteStreamController = saved;
  }
  assert.equal(sha256(await collect(opened.stream)), sha256(plaintext));
});

describe("byte streams in", () => {
  test("readFileStream gives the same bytes to BYOB and default readers, from an offset too", async () => {
    const bytes = randomBytes(3 * (1 << 20) + 777);
    await writeFile(tmp.path("bytes"), bytes);
    for (const size of [1000, 1 << 20, 4 << 20]) {
      assert.equal(sha256((await readByob(readFileStream(tmp.path("bytes")), size)).bytes), sha256(bytes));
    }
    assert.equal(
      sha256(await collect(readFileStream(tmp.path("bytes"), 4321))),
      sha256(bytes.subarray(4321)),
    );
    assert.equal(
      sha256((await readByob(readFileStream(tmp.path("bytes"), 4321), 1 << 20)).bytes),
      sha256(bytes.subarray(4321)),
    );
  });

  test("files read as byte streams round-trip, and match the file API both ways", async () => {
    for (const size of [0, 1, CHUNK_SIZE, (1 << 20) + 5, 3 * (1 << 20)]) {
      const plaintext = randomBytes(size);
      await writeFile(tmp.path(`plain-${size}`), plaintext);
      const sealed = await encryptPackage(readFileStream(tmp.path(`plain-${size}`)), options);
      await writeFile(tmp.path(`pkg-${size}`), (await readByob(sealed.stream, 1 << 20)).bytes);
      await decryptFile(tmp.path(`pkg-${size}`), tmp.path(`out-${size}`), [holder.identity]);
      assert.equal(sha256(await readFile(tmp.path(`out-${size}`))), sha256(plaintext), `size ${size}`);

      await encryptFile(tmp.path(`plain-${size}`), tmp.path(`file-pkg-${size}`), options);
      const opened = await decryptPackage(readFileStream(tmp.path(`file-pkg-${size}`)), {
        identities: [holder.identity],
      });
      assert.equal(sha256(await collect(opened.stream)), sha256(plaintext), `size ${size}`);
    }
  });

  test("a byte stream that answers in small reads: the header spans many, the chunks too", async () => {
    const plaintext = randomBytes(3 * CHUNK_SIZE + 77);
    for (const pieceSize of [1, 100, CHUNK_SIZE + 1]) {
      const source = pieceSize === 1 ? plaintext.subarray(0, 3000) : plaintext;
      const sealed = await encryptPackage(byteStreamOf(source, pieceSize), options);
      const pkg = await collect(sealed.stream);
      const opened = await decryptPackage(byteStreamOf(pkg, pieceSize), { identities: [holder.identity] });
      assert.equal(
        sha256((await readByob(opened.stream, SEALED)).bytes),
        sha256(source),
        `pieces of ${pieceSize}`,
      );
    }
  });

  test("a byte stream that enqueues its own chunks (a Blob's) works as input", async () => {
    const plaintext = randomBytes(2 * CHUNK_SIZE + 3);
    const sealed = await encryptPackage(new Blob([plaintext]).stream(), options);
    const pkg = await collect(sealed.stream);
    const opened = await decryptPackage(new Blob([pkg as Uint8Array<ArrayBuffer>]).stream(), {
      identities: [holder.identity],
    });
    assert.equal(sha256((await readByob(opened.stream, 1 << 20)).bytes), sha256(plaintext));
  });

  test("a wrong identity rejects before the payload is read", async () => {
    const plaintext = randomBytes(100);
    await writeFile(tmp.path("wrong"), plaintext);
    await encryptFile(tmp.path("wrong"), tmp.path("wrong.age"), options);
    const stranger = await keyPair();
    await rejectsWith(
      decryptPackage(readFileStream(tmp.path("wrong.age")), { identities: [stranger.identity] }),
      "NO_MATCHING_IDENTITY",
    );
  });
});
