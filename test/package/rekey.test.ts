import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import {
  parseHeader,
  readHeaderFromBlob,
  rekeyBlob,
  rekeyHeader,
  unwrapFileKey,
  writeHeader,
} from "@superdist/package";
import { decryptFile, encryptFile, readHeaderFromFile, rekeyFile } from "@superdist/package/node";
import { afterAll, describe, test } from "vitest";
import { keyPair, lineage, rejectsWith, sha256, tempDir } from "./fixtures.ts";

const publisher = await keyPair();
const verifier = await keyPair();
const buyer = await keyPair();
const tmp = await tempDir();
afterAll(() => tmp.remove());

const plaintext = randomBytes(3 * 65536 + 4321);
await writeFile(tmp.path("plain"), plaintext);
const sealed = await encryptFile(tmp.path("plain"), tmp.path("first.age"), {
  holderRecipients: [publisher.recipient],
  verifierRecipient: verifier.recipient,
  lineage,
});
const first = await readFile(tmp.path("first.age"));

/** What the verifier does: unwrap with its own identity, then write a header for the buyer. */
async function verifierRekey(headerBytes: Uint8Array, holderTokenId: bigint, holder = buyer) {
  const header = parseHeader(headerBytes);
  const fileKey = await unwrapFileKey(header, [verifier.identity]);
  assert.ok(fileKey);
  return rekeyHeader({
    header,
    fileKey,
    holderRecipients: [holder.recipient],
    verifierRecipient: verifier.recipient,
    holderTokenId,
  });
}

describe("rekeyFile", () => {
  test("splices the new header before the same payload bytes", async () => {
    const newHeader = await verifierRekey(sealed.header.bytes, 5n);
    const { header, packageSize } = await rekeyFile(tmp.path("first.age"), tmp.path("second.age"), newHeader);
    const second = await readFile(tmp.path("second.age"));
    assert.equal(packageSize, second.length);
    assert.deepEqual(new Uint8Array(second.subarray(0, newHeader.length)), newHeader);
    assert.equal(header.lineage.holderTokenId, 5n);
    assert.equal(
      sha256(second.subarray(header.bytes.length)),
      sha256(first.subarray(sealed.header.bytes.length)),
      "payload bytes unchanged",
    );
    assert.equal((await readHeaderFromFile(tmp.path("second.age"))).lineage.holderTokenId, 5n);

    await decryptFile(tmp.path("second.age"), tmp.path("second.out"), [buyer.identity]);
    assert.equal(sha256(await readFile(tmp.path("second.out"))), sha256(plaintext));
    await rejectsWith(
      decryptFile(tmp.path("second.age"), tmp.path("second.pub"), [publisher.identity]),
      "NO_MATCHING_IDENTITY",
    );
  });

  test("re-keys a re-keyed copy again, in place", async () => {
    await rekeyFile(
      tmp.path("first.age"),
      tmp.path("third.age"),
      await verifierRekey(sealed.header.bytes, 5n),
    );
    const next = await keyPair();
    const current = await readHeaderFromFile(tmp.path("third.age"));
    await rekeyFile(
      tmp.path("third.age"),
      tmp.path("third.age"),
      await verifierRekey(current.bytes, 6n, next),
    );
    const third = await readFile(tmp.path("third.age"));
    const header = parseHeader(third);
    assert.equal(header.lineage.holderTokenId, 6n);
    assert.equal(
      sha256(third.subarray(header.bytes.length)),
      sha256(first.subarray(sealed.header.bytes.length)),
    );
    await decryptFile(tmp.path("third.age"), tmp.path("third.out"), [next.identity]);
    assert.equal(sha256(await readFile(tmp.path("third.out"))), sha256(plaintext));
    assert.deepEqual(
      (await tmp.entries()).filter((e) => e.endsWith(".part")),
      [],
    );
  });

  test("a header as long as the old one goes over a copy of the whole file; the source stays as it was", async () => {
    await rekeyFile(
      tmp.path("first.age"),
      tmp.path("five.age"),
      await verifierRekey(sealed.header.bytes, 5n),
    );
    const five = await readFile(tmp.path("five.age"));
    const current = parseHeader(five);
    const next = await keyPair();
    const newHeader = await verifierRekey(current.bytes, 6n, next);
    assert.equal(newHeader.length, current.bytes.length);
    const { header, packageSize } = await rekeyFile(tmp.path("five.age"), tmp.path("six.age"), newHeader);
    const six = await readFile(tmp.path("six.age"));
    assert.equal(packageSize, six.length);
    assert.equal(header.lineage.holderTokenId, 6n);
    assert.deepEqual(new Uint8Array(six.subarray(0, newHeader.length)), newHeader);
    assert.equal(sha256(six.subarray(newHeader.length)), sha256(five.subarray(current.bytes.length)));
    assert.equal(sha256(await readFile(tmp.path("five.age"))), sha256(five));
    await decryptFile(tmp.path("six.age"), tmp.path("six.out"), [next.identity]);
    assert.equal(sha256(await readFile(tmp.path("six.out"))), sha256(plaintext));
  });

  test("inPlace writes a header of the same length over the old one; another length still goes through a copy", async () => {
    await rekeyFile(tmp.path("first.age"), tmp.path("own.age"), await verifierRekey(sealed.header.bytes, 5n));
    const before = await readFile(tmp.path("own.age"));
    const current = parseHeader(before);
    const next = await keyPair();
    const sameLength = await verifierRekey(current.bytes, 7n, next);
    await rekeyFile(tmp.path("own.age"), tmp.path("own.age"), sameLength, { inPlace: true });
    const after = await readFile(tmp.path("own.age"));
    assert.equal(after.length, before.length);
    assert.deepEqual(new Uint8Array(after.subarray(0, sameLength.length)), sameLength);
    assert.equal(sha256(after.subarray(sameLength.length)), sha256(before.subarray(current.bytes.length)));
    await decryptFile(tmp.path("own.age"), tmp.path("own.out"), [next.identity]);
    assert.equal(sha256(await readFile(tmp.path("own.out"))), sha256(plaintext));

    const longer = await verifierRekey(sameLength, 12345n, next);
    await rekeyFile(tmp.path("own.age"), tmp.path("own.age"), longer, { inPlace: true });
    const third = await readFile(tmp.path("own.age"));
    assert.equal(parseHeader(third).lineage.holderTokenId, 12345n);
    assert.equal(sha256(third.subarray(longer.length)), sha256(before.subarray(current.bytes.length)));
    assert.deepEqual(
      (await tmp.entries()).filter((e) => e.endsWith(".part")),
      [],
    );
  });

  test("refuses a header for other content or with bytes after it, and writes nothing", async () => {
    const otherContent = await writeHeader({
      fileKey: crypto.getRandomValues(new Uint8Array(16)),
      holderRecipients: [buyer.recipient],
      verifierRecipient: verifier.recipient,
      lineage: { ...lineage, contentId: 8n },
    });
    await rejectsWith(
      rekeyFile(tmp.path("first.age"), tmp.path("bad.age"), otherContent),
      "REKEY_CONTENT_MISMATCH",
    );
    const otherChain = await writeHeader({
      fileKey: crypto.getRandomValues(new Uint8Array(16)),
      holderRecipients: [buyer.recipient],
      verifierRecipient: verifier.recipient,
      lineage: { ...lineage, chainId: 1n },
    });
    await rejectsWith(
      rekeyFile(tmp.path("first.age"), tmp.path("bad.age"), otherChain),
      "REKEY_CONTENT_MISMATCH",
    );
    const good = await verifierRekey(sealed.header.bytes, 9n);
    await rejectsWith(
      rekeyFile(tmp.path("first.age"), tmp.path("bad.age"), new Uint8Array([...good, 0])),
      "HEADER_MALFORMED",
    );
    await rejectsWith(rekeyFile(tmp.path("first.age"), tmp.path("bad.age"), good.subarray(1)), "NOT_AGE");
    assert.deepEqual(
      (await tmp.entries()).filter((e) => e.includes("bad.age")),
      [],
    );
  });
});

describe("rekeyBlob", () => {
  test("gives the same bytes as rekeyFile without reading the payload", async () => {
    const newHeader = await verifierRekey(sealed.header.bytes, 5n);
    await rekeyFile(tmp.path("first.age"), tmp.path("blob-ref.age"), newHeader);
    const blob = await rekeyBlob(new Blob([first]), newHeader);
    assert.equal(
      sha256(new Uint8Array(await blob.arrayBuffer())),
      sha256(await readFile(tmp.path("blob-ref.age"))),
    );
    assert.equal((await readHeaderFromBlob(blob)).lineage.holderTokenId, 5n);
  });
});

describe("readHeaderFromFile", () => {
  test("reads only the header: a damaged payload does not matter", async () => {
    const damaged = Buffer.concat([sealed.header.bytes, randomBytes(100)]);
    await writeFile(tmp.path("damaged.age"), damaged);
    assert.deepEqual((await readHeaderFromFile(tmp.path("damaged.age"))).bytes, sealed.header.bytes);
  });
});

describe("a header written again for the id the market gave", () => {
  test("replaces the predicted content id, for a Blob and a file, and the package still opens", async () => {
    const fileKey = await unwrapFileKey(parseHeader(first), [publisher.identity]);
    assert.ok(fileKey);
    const published = lineage.contentId + 1n;
    const header = await writeHeader({
      fileKey,
      holderRecipients: [publisher.recipient],
      verifierRecipient: verifier.recipient,
      lineage: { ...lineage, contentId: published },
    });
    await rejectsWith(rekeyBlob(new Blob([first]), header), "REKEY_CONTENT_MISMATCH");
    await rejectsWith(
      rekeyBlob(new Blob([first]), header, { publishedAs: published + 1n }),
      "REKEY_CONTENT_MISMATCH",
    );
    const blob = await rekeyBlob(new Blob([first]), header, { publishedAs: published });
    assert.equal((await readHeaderFromBlob(blob)).lineage.contentId, published);

    const path = tmp.path("predicted.age");
    await writeFile(path, first);
    await rekeyFile(path, path, header, { publishedAs: published });
    assert.deepEqual(new Uint8Array(await readFile(path)), new Uint8Array(await blob.arrayBuffer()));
    await decryptFile(path, tmp.path("predicted.plain"), [publisher.identity]);
    assert.equal(sha256(await readFile(tmp.path("predicted.plain"))), sha256(plaintext));
  });
});
