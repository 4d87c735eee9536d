import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { CHUNK_SIZE, type PackageErrorCode, rekeyHeader, unwrapHeader } from "@superdist/package";
import { decryptFile, encryptFile, readHeaderFromFile, rekeyFile } from "@superdist/package/node";
import { afterAll, describe, test } from "vitest";
import { keyPair, lineage, rejectsWith, sha256, tempDir } from "./fixtures.ts";

// The Debian `age` tool is the reference reader: every package must be a file it decrypts.
const run = promisify(execFile);
const tmp = await tempDir();
afterAll(() => tmp.remove());

async function ageKeygen(name: string): Promise<{ file: string; identity: string; recipient: string }> {
  const file = tmp.path(name);
  await run("age-keygen", ["-o", file]);
  const identity = (await readFile(file, "utf8")).split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"));
  assert.ok(identity);
  const recipient = (await run("age-keygen", ["-y", file])).stdout.trim();
  return { file, identity, recipient };
}

async function ageDecrypt(identityFile: string, pkg: string, out: string): Promise<boolean> {
  try {
    await run("age", ["-d", "-i", identityFile, "-o", out, pkg]);
    return true;
  } catch {
    return false;
  }
}

const publisher = await ageKeygen("publisher.txt");
const buyer = await ageKeygen("buyer.txt");
const verifier = await keyPair();
const plaintext = randomBytes(5 * CHUNK_SIZE + 777);
await writeFile(tmp.path("plain"), plaintext);
const sealed = await encryptFile(tmp.path("plain"), tmp.path("pkg.age"), {
  holderRecipients: [publisher.recipient],
  verifierRecipient: verifier.recipient,
  lineage,
});

const pkg = await readFile(tmp.path("pkg.age"));
const headerLength = sealed.header.bytes.length;
// The first base64 character of the MAC: the header ends "--- " + 43 characters + "\n".
const macOffset = headerLength - 44;
assert.equal(new TextDecoder().decode(pkg.subarray(macOffset - 4, macOffset)), "--- ");

describe("the age tool", () => {
  test("decrypts a package we wrote, and the same package after re-keying", async () => {
    assert.ok(await ageDecrypt(publisher.file, tmp.path("pkg.age"), tmp.path("age.out")));
    assert.equal(sha256(await readFile(tmp.path("age.out"))), sha256(plaintext));

    const header = await readHeaderFromFile(tmp.path("pkg.age"));
    const unwrapped = await unwrapHeader(header, [verifier.identity]);
    assert.ok(unwrapped?.stanza);
    // As the verifier re-keys: its own stanza is kept as it is, only the holder's is new.
    const newHeader = await rekeyHeader({
      header,
      fileKey: unwrapped.fileKey,
      holderRecipients: [buyer.recipient],
      verifierRecipient: verifier.recipient,
      holderTokenId: 3n,
      verifierStanza: unwrapped.stanza,
    });
    await rekeyFile(tmp.path("pkg.age"), tmp.path("rekeyed.age"), newHeader);
    assert.ok(await ageDecrypt(buyer.file, tmp.path("rekeyed.age"), tmp.path("age-rekeyed.out")));
    assert.equal(sha256(await readFile(tmp.path("age-rekeyed.out"))), sha256(plaintext));
    assert.equal(await ageDecrypt(publisher.file, tmp.path("rekeyed.age"), tmp.path("age-old.out")), false);
  });

  test("age-keygen identities open packages with our reader", async () => {
    await decryptFile(tmp.path("pkg.age"), tmp.path("ours.out"), [publisher.identity]);
    assert.equal(sha256(await readFile(tmp.path("ours.out"))), sha256(plaintext));
  });

  test("a plain age file is not a package", async () => {
    await run("age", ["-r", publisher.recipient, "-o", tmp.path("plain.age"), tmp.path("plain")]);
    await rejectsWith(
      decryptFile(tmp.path("plain.age"), tmp.path("plain.out"), [publisher.identity]),
      "LINEAGE_MISSING",
    );
  });

  const damaged: [string, Uint8Array, PackageErrorCode][] = [
    [
      "a flipped MAC byte",
      replaceByte(pkg, macOffset, pkg[macOffset] === 0x41 ? 0x42 : 0x41),
      "MAC_MISMATCH",
    ],
    [
      "a flipped payload bit",
      replaceByte(pkg, headerLength + 100, (pkg[headerLength + 100] as number) ^ 1),
      "PAYLOAD_CORRUPT",
    ],
    [
      "a cut at a chunk boundary",
      pkg.subarray(0, headerLength + 16 + 2 * (CHUNK_SIZE + 16)),
      "PAYLOAD_TRUNCATED",
    ],
    ["appended bytes", Buffer.concat([pkg, randomBytes(10)]), "TRAILING_DATA"],
  ];
  for (const [name, bytes, code] of damaged) {
    test(`rejects ${name}, and so do we (${code})`, async () => {
      const file = tmp.path(`${code}.age`);
      await writeFile(file, bytes);
      assert.equal(
        await ageDecrypt(publisher.file, file, tmp.path(`${code}.age-out`)),
        false,
        "age refuses it",
      );
      await rejectsWith(decryptFile(file, tmp.path(`${code}.out`), [publisher.identity]), code);
    });
  }
});

function replaceByte(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[offset] = value;
  return copy;
}
