import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { base64nopad } from "@scure/base";
import { CHUNK_SIZE, PAYLOAD_NONCE_SIZE, type PackageErrorCode } from "@superdist/package";
import { decryptFile } from "@superdist/package/node";
import { Encrypter } from "age-encryption";
import { afterAll, describe, test } from "vitest";
import { keyPair, rejectsWith, seal, tempDir } from "./fixtures.ts";

const SEALED_CHUNK = CHUNK_SIZE + 16;
const holder = await keyPair();
const verifier = await keyPair();
const stranger = await keyPair();
const tmp = await tempDir();
afterAll(() => tmp.remove());

// 16 full chunks and a short final one; and 16 full chunks of which the last is the final one.
const shortEnd = await seal(randomBytes(16 * CHUNK_SIZE + 1000), holder, verifier);
const fullEnd = await seal(randomBytes(16 * CHUNK_SIZE), holder, verifier);
const empty = await seal(new Uint8Array(0), holder, verifier);
const payloadStart = (s: typeof shortEnd) => s.headerLength + PAYLOAD_NONCE_SIZE;

let counter = 0;
/** Decrypts `pkg` to a file and expects `code`, with nothing left behind under the output name. */
async function refused(pkg: Uint8Array, code: PackageErrorCode, identity = holder.identity) {
  const name = `case-${++counter}`;
  await writeFile(tmp.path(`${name}.age`), pkg);
  const error = await rejectsWith(
    decryptFile(tmp.path(`${name}.age`), tmp.path(`${name}.out`), [identity]),
    code,
  );
  const left = (await tmp.entries()).filter((e) => e.includes(`${name}.out`));
  assert.deepEqual(left, [], "no output and no temporary file");
  return error;
}

function flipBit(pkg: Uint8Array, offset: number): Uint8Array {
  const copy = pkg.slice();
  copy[offset] = (copy[offset] as number) ^ 0x10;
  return copy;
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Re-encodes header line `line` (a stanza body) with one bit of its decoded bytes flipped. */
function flipStanzaBody(s: typeof shortEnd, line: number): Uint8Array {
  const lines = new TextDecoder().decode(s.pkg.subarray(0, s.headerLength)).split("\n");
  const body = base64nopad.decode(lines[line] as string);
  body[5] = (body[5] as number) ^ 1;
  lines[line] = base64nopad.encode(body);
  return concat(new TextEncoder().encode(lines.join("\n")), s.pkg.subarray(s.headerLength));
}

describe("truncation", () => {
  test("inside a chunk", async () => {
    await refused(
      shortEnd.pkg.subarray(0, payloadStart(shortEnd) + 3 * SEALED_CHUNK + 5000),
      "PAYLOAD_TRUNCATED",
    );
    await refused(shortEnd.pkg.subarray(0, shortEnd.pkg.length - 10), "PAYLOAD_TRUNCATED");
    await refused(
      shortEnd.pkg.subarray(0, payloadStart(shortEnd) + 2 * SEALED_CHUNK + 7),
      "PAYLOAD_TRUNCATED",
    );
  });

  test("at a chunk boundary, and with the final chunk missing", async () => {
    await refused(shortEnd.pkg.subarray(0, payloadStart(shortEnd) + 3 * SEALED_CHUNK), "PAYLOAD_TRUNCATED");
    await refused(shortEnd.pkg.subarray(0, payloadStart(shortEnd) + 16 * SEALED_CHUNK), "PAYLOAD_TRUNCATED");
    await refused(fullEnd.pkg.subarray(0, payloadStart(fullEnd) + 15 * SEALED_CHUNK), "PAYLOAD_TRUNCATED");
  });

  test("in the nonce, right after the header, and inside the header", async () => {
    await refused(shortEnd.pkg.subarray(0, shortEnd.headerLength + 8), "PAYLOAD_TRUNCATED");
    await refused(shortEnd.pkg.subarray(0, shortEnd.headerLength), "PAYLOAD_TRUNCATED");
    await refused(shortEnd.pkg.subarray(0, payloadStart(shortEnd)), "PAYLOAD_TRUNCATED");
    await refused(shortEnd.pkg.subarray(0, shortEnd.headerLength - 30), "HEADER_TRUNCATED");
  });
});

describe("damage", () => {
  test("a bit flip in a payload chunk", async () => {
    await refused(flipBit(shortEnd.pkg, payloadStart(shortEnd) + 2 * SEALED_CHUNK + 100), "PAYLOAD_CORRUPT");
    await refused(flipBit(shortEnd.pkg, payloadStart(shortEnd) + 10), "PAYLOAD_CORRUPT");
  });

  test("a bit flip in a full-size final chunk, and in the payload nonce", async () => {
    await refused(flipBit(fullEnd.pkg, fullEnd.pkg.length - 1), "PAYLOAD_CORRUPT");
    await refused(flipBit(fullEnd.pkg, fullEnd.pkg.length - SEALED_CHUNK), "PAYLOAD_CORRUPT");
    await refused(flipBit(shortEnd.pkg, shortEnd.headerLength + 3), "PAYLOAD_CORRUPT");
  });

  test("two chunks swapped", async () => {
    const p = payloadStart(shortEnd);
    const chunk = (i: number) => shortEnd.pkg.subarray(p + i * SEALED_CHUNK, p + (i + 1) * SEALED_CHUNK);
    const swapped = concat(
      shortEnd.pkg.subarray(0, p),
      chunk(1),
      chunk(0),
      shortEnd.pkg.subarray(p + 2 * SEALED_CHUNK),
    );
    await refused(swapped, "PAYLOAD_CORRUPT");
  });

  test("a bit flip in the verifier's stanza body fails the MAC", async () => {
    await refused(flipStanzaBody(shortEnd, 4), "MAC_MISMATCH");
  });

  test("a bit flip in the holder's stanza body: no key for the holder, MAC failure for the verifier", async () => {
    const flipped = flipStanzaBody(shortEnd, 2);
    await refused(flipped, "NO_MATCHING_IDENTITY");
    await refused(flipped, "MAC_MISMATCH", verifier.identity);
  });

  test("a changed lineage argument fails the MAC", async () => {
    const text = new TextDecoder().decode(shortEnd.pkg.subarray(0, shortEnd.headerLength));
    const header = new TextEncoder().encode(text.replace(/ 7 0\n/, " 7 1\n"));
    assert.equal(header.length, shortEnd.headerLength);
    await refused(concat(header, shortEnd.pkg.subarray(shortEnd.headerLength)), "MAC_MISMATCH");
  });
});

describe("wrong input", () => {
  test("an identity the copy is not keyed to", async () => {
    const error = await refused(shortEnd.pkg, "NO_MATCHING_IDENTITY", stranger.identity);
    assert.match(error.message, /token 0/);
  });

  test("bytes after the end of the package", async () => {
    await refused(concat(fullEnd.pkg, new Uint8Array([0])), "TRAILING_DATA");
    await refused(concat(shortEnd.pkg, randomBytes(50)), "TRAILING_DATA");
    await refused(concat(shortEnd.pkg, randomBytes(70000)), "TRAILING_DATA");
    await refused(concat(empty.pkg, randomBytes(5)), "TRAILING_DATA");
  });

  test("a garbage file, an empty file", async () => {
    await refused(randomBytes(5000), "NOT_AGE");
    await refused(new Uint8Array(0), "HEADER_TRUNCATED");
  });

  test("a plain age file without a lineage", async () => {
    const encrypter = new Encrypter();
    encrypter.addRecipient(holder.recipient);
    await refused(await encrypter.encrypt(randomBytes(100)), "LINEAGE_MISSING");
  });

  test("a failed decryption leaves an existing file under the output name as it was", async () => {
    await writeFile(tmp.path("kept.out"), "previous");
    await writeFile(tmp.path("kept.age"), flipBit(shortEnd.pkg, payloadStart(shortEnd) + 20 * 1000));
    await rejectsWith(
      decryptFile(tmp.path("kept.age"), tmp.path("kept.out"), [holder.identity]),
      "PAYLOAD_CORRUPT",
    );
    assert.equal(await readFile(tmp.path("kept.out"), "utf8"), "previous");
    assert.deepEqual(
      (await tmp.entries()).filter((e) => e.endsWith(".part")),
      [],
    );
  });
});
