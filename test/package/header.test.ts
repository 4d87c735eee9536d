import assert from "node:assert/strict";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { base64nopad, bech32 } from "@scure/base";
import {
  keyCommitment,
  LINEAGE_STANZA,
  MAX_HEADER_SIZE,
  MAX_STANZAS,
  parseHeader,
  rekeyHeader,
  unwrapFileKey,
  unwrapHeader,
  verifyHeaderMac,
  writeHeader,
} from "@superdist/package";
import { Decrypter } from "age-encryption";
import { describe, test } from "vitest";
import { keyPair, lineage, rejectsWith, throwsWith } from "./fixtures.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const holder = await keyPair();
const verifier = await keyPair();
const stranger = await keyPair();
const fileKey = crypto.getRandomValues(new Uint8Array(16));
const headerBytes = await writeHeader({
  fileKey,
  holderRecipients: [holder.recipient],
  verifierRecipient: verifier.recipient,
  lineage,
});
const headerText = decoder.decode(headerBytes);
const lines = headerText.split("\n");
const x25519Stanza = lines.slice(1, 3).join("\n");
const fakeMacLine = `--- ${"A".repeat(43)}`;

/** A header with the given stanza lines and a MAC line that parses (its value is irrelevant here). */
function header(...stanzaLines: string[]): Uint8Array {
  return encoder.encode(["age-encryption.org/v1", ...stanzaLines, fakeMacLine, ""].join("\n"));
}

const market = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const lineageLine = (args: string) => `-> ${LINEAGE_STANZA} ${args}\n`;

describe("writeHeader", () => {
  test("writes holder stanzas, the verifier stanza and the lineage, in that order", async () => {
    const second = await keyPair();
    const bytes = await writeHeader({
      fileKey,
      holderRecipients: [holder.recipient, second.recipient],
      verifierRecipient: verifier.recipient,
      lineage,
    });
    const parsed = parseHeader(bytes);
    assert.deepEqual(
      parsed.stanzas.map((s) => s.type),
      ["X25519", "X25519", "X25519", LINEAGE_STANZA],
    );
    assert.deepEqual(parsed.bytes, bytes);
    for (const [i, pair] of [holder, second, verifier].entries()) {
      assert.deepEqual(
        await unwrapFileKey({ ...parsed, stanzas: parsed.stanzas }, [pair.identity]),
        fileKey,
        `#${i}`,
      );
    }
  });

  test("writes the exact age v1 text: lowercase market, empty lineage body, MAC line", () => {
    assert.equal(lines[0], "age-encryption.org/v1");
    assert.match(lines[1] as string, /^-> X25519 [A-Za-z0-9+/]{43}$/);
    assert.match(lines[2] as string, /^[A-Za-z0-9+/]{43}$/);
    assert.equal(lines[5], `-> superdist/lineage 31337 ${market} 7 0`);
    assert.equal(lines[6], "");
    assert.match(lines[7] as string, /^--- [A-Za-z0-9+/]{43}$/);
    assert.equal(lines[8], "");
    assert.equal(lines.length, 9);
  });

  test("its MAC is HMAC-SHA-256 keyed by HKDF(file key, 'header') over the text through '---'", async () => {
    // age-encryption checks the MAC its own way while unwrapping.
    const decrypter = new Decrypter();
    decrypter.addIdentity(holder.identity);
    assert.deepEqual(await decrypter.decryptHeader(headerBytes), fileKey);
    await verifyHeaderMac(parseHeader(headerBytes), fileKey);
  });

  test("wraps bodies at 64 columns and always ends with a short line", () => {
    for (const size of [0, 1, 47, 48, 49, 96, 100]) {
      const body = new Uint8Array(size).fill(size);
      const encoded = base64nopad.encode(body);
      const bodyLines = [];
      for (let i = 0; i <= encoded.length; i += 64) bodyLines.push(encoded.slice(i, i + 64));
      const parsed = parseHeader(header(`-> test ${size}`, ...bodyLines, lineageLine(`1 ${market} 1 0`)));
      assert.deepEqual(parsed.stanzas[0]?.body, body, `body of ${size} bytes`);
    }
  });

  test("rejects bad inputs with distinct codes", async () => {
    const base = {
      fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: verifier.recipient,
      lineage,
    };
    await rejectsWith(writeHeader({ ...base, fileKey: new Uint8Array(15) }), "INVALID_FILE_KEY");
    await rejectsWith(writeHeader({ ...base, holderRecipients: [] }), "INVALID_RECIPIENT");
    await rejectsWith(writeHeader({ ...base, holderRecipients: ["age1notakey"] }), "INVALID_RECIPIENT");
    await rejectsWith(writeHeader({ ...base, verifierRecipient: holder.identity }), "INVALID_RECIPIENT");
    await rejectsWith(writeHeader({ ...base, lineage: { ...lineage, chainId: 0n } }), "LINEAGE_MALFORMED");
    await rejectsWith(
      writeHeader({ ...base, lineage: { ...lineage, holderTokenId: -1n } }),
      "LINEAGE_MALFORMED",
    );
    await rejectsWith(
      writeHeader({ ...base, lineage: { ...lineage, market: "0x1234" } }),
      "LINEAGE_MALFORMED",
    );
    const many = Array.from({ length: MAX_STANZAS - 1 }, () => holder.recipient);
    await rejectsWith(writeHeader({ ...base, holderRecipients: many }), "TOO_MANY_STANZAS");
    const most = await writeHeader({ ...base, holderRecipients: many.slice(1) });
    assert.equal(parseHeader(most).stanzas.length, MAX_STANZAS);
  });
});

describe("keyCommitment", () => {
  test("is keccak256 of the domain string followed by the 16-byte file key", () => {
    const domain = encoder.encode("superdist/key-commitment/v1");
    const expected = `0x${Buffer.from(keccak_256(new Uint8Array([...domain, ...fileKey]))).toString("hex")}`;
    assert.equal(keyCommitment(fileKey), expected);
    const other = fileKey.slice();
    other[0] = (other[0] as number) ^ 1;
    assert.notEqual(keyCommitment(other), expected);
    throwsWith(() => keyCommitment(new Uint8Array(32)), "INVALID_FILE_KEY");
  });
});

describe("parseHeader: lineage", () => {
  const accept = (args: string) => parseHeader(header(x25519Stanza, lineageLine(args))).lineage;
  const reject = (args: string, code: "LINEAGE_MALFORMED" = "LINEAGE_MALFORMED") =>
    throwsWith(() => parseHeader(header(x25519Stanza, lineageLine(args))), code);

  test("reads a canonical lineage", () => {
    assert.deepEqual(accept(`1 ${market} 0 0`), { chainId: 1n, market, contentId: 0n, holderTokenId: 0n });
    const max = ((1n << 256n) - 1n).toString();
    assert.deepEqual(accept(`${max} ${market} ${max} ${max}`), {
      chainId: BigInt(max),
      market,
      contentId: BigInt(max),
      holderTokenId: BigInt(max),
    });
    assert.deepEqual(parseHeader(headerBytes).lineage, { ...lineage, market });
  });

  test("rejects a bad chain id", () => {
    for (const chain of ["0", "-1", "01", "1.0", "0x7a69", "abc", "1e3", (1n << 256n).toString()]) {
      reject(`${chain} ${market} 1 0`);
    }
  });

  test("rejects a market that is not 0x and 40 lowercase hex digits", () => {
    for (const bad of [
      "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      "0X5fbdb2315678afecb367f032d93f642f64180aa3",
      "5fbdb2315678afecb367f032d93f642f64180aa3",
      "0x5fbdb2315678afecb367f032d93f642f64180aa",
      "0x5fbdb2315678afecb367f032d93f642f64180aa33",
      "0xzzbdb2315678afecb367f032d93f642f64180aa3",
    ]) {
      reject(`1 ${bad} 1 0`);
    }
  });

  test("rejects negative, non-canonical and missing or extra arguments", () => {
    reject(`1 ${market} -1 0`);
    reject(`1 ${market} 1 -2`);
    reject(`1 ${market} 007 0`);
    reject(`1 ${market} 1 +2`);
    reject(`1 ${market} 1`);
    reject(`1 ${market} 1 0 5`);
    throwsWith(() => parseHeader(header(x25519Stanza, `-> ${LINEAGE_STANZA}\n`)), "LINEAGE_MALFORMED");
  });

  test("rejects a non-empty body", () => {
    throwsWith(
      () => parseHeader(header(x25519Stanza, `-> ${LINEAGE_STANZA} 1 ${market} 1 0`, "AAAA")),
      "LINEAGE_MALFORMED",
    );
  });

  test("requires exactly one lineage stanza", () => {
    throwsWith(() => parseHeader(header(x25519Stanza)), "LINEAGE_MISSING");
    throwsWith(
      () => parseHeader(header(x25519Stanza, lineageLine(`1 ${market} 1 0`), lineageLine(`1 ${market} 1 0`))),
      "LINEAGE_DUPLICATE",
    );
  });
});

describe("parseHeader: grammar and limits", () => {
  const valid = lineageLine(`1 ${market} 1 0`);

  test("ignores the payload after the MAC line", () => {
    const withPayload = new Uint8Array([...headerBytes, 1, 2, 3]);
    assert.deepEqual(parseHeader(withPayload).bytes, headerBytes);
  });

  test("rejects what is not an age file", () => {
    throwsWith(() => parseHeader(crypto.getRandomValues(new Uint8Array(1000))), "NOT_AGE");
    throwsWith(() => parseHeader(encoder.encode("-----BEGIN AGE ENCRYPTED FILE-----\n")), "NOT_AGE");
    throwsWith(() => parseHeader(encoder.encode("age-encryption.org/v2\n")), "NOT_AGE");
    throwsWith(() => parseHeader(new Uint8Array(0)), "HEADER_TRUNCATED");
  });

  test("reports a header cut short", () => {
    for (const cut of [10, 30, headerBytes.length - 20, headerBytes.length - 1]) {
      throwsWith(() => parseHeader(headerBytes.subarray(0, cut)), "HEADER_TRUNCATED");
    }
  });

  test("rejects grammar violations", () => {
    const bad = [
      encoder.encode(headerText.replace(/\n(?=-> superdist)/, "\r\n")),
      header(`${x25519Stanza}\n-> extra  double-space`, "", valid),
      header(`-> `, "", valid),
      header("-> body-too-long", "A".repeat(68), valid),
      header("-> no-final-short-line", "A".repeat(64), valid),
      header("-> padded", "AA==", valid),
      header("-> non-canonical", "AAF", valid),
      header("-> stray", "", "not a stanza", valid),
      header("-> non-ascii é", "", valid),
      header("-> tab\there", "", valid),
      header(x25519Stanza.replace(/^-> X25519 /, "-> X25519 extra "), valid),
      header(
        `-> X25519 ${base64nopad.encode(new Uint8Array(31))}`,
        base64nopad.encode(new Uint8Array(32)),
        valid,
      ),
      header(
        `-> X25519 ${base64nopad.encode(new Uint8Array(32))}`,
        base64nopad.encode(new Uint8Array(31)),
        valid,
      ),
      encoder.encode(`age-encryption.org/v1\n${fakeMacLine}\n`),
      encoder.encode(`age-encryption.org/v1\n${x25519Stanza}\n${valid}--- ${"A".repeat(42)}\n`),
      encoder.encode(`age-encryption.org/v1\n${x25519Stanza}\n${valid}---${"A".repeat(44)}\n`),
      encoder.encode(`age-encryption.org/v1\n${x25519Stanza}\n${valid}--- ${"B".repeat(43)}\n`),
    ];
    for (const bytes of bad) throwsWith(() => parseHeader(bytes), "HEADER_MALFORMED");
  });

  test(`accepts ${MAX_STANZAS} stanzas and rejects ${MAX_STANZAS + 1}`, () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `-> grease-${i}\n`);
    assert.equal(parseHeader(header(...filler(MAX_STANZAS - 1), valid)).stanzas.length, MAX_STANZAS);
    throwsWith(() => parseHeader(header(...filler(MAX_STANZAS), valid)), "TOO_MANY_STANZAS");
  });

  test(`accepts a header of exactly ${MAX_HEADER_SIZE} bytes and rejects one byte more`, () => {
    const exact = (size: number) => {
      const fixed = header("-> pad", "", valid).length - "age-encryption.org/v1\n".length;
      const padArg = "x".repeat(size - fixed - "age-encryption.org/v1\n".length - 1);
      return header(`-> pad ${padArg}`, "", valid);
    };
    assert.equal(exact(MAX_HEADER_SIZE).length, MAX_HEADER_SIZE);
    assert.equal(parseHeader(exact(MAX_HEADER_SIZE)).bytes.length, MAX_HEADER_SIZE);
    throwsWith(() => parseHeader(exact(MAX_HEADER_SIZE + 1)), "HEADER_TOO_LARGE");
  });
});

describe("MAC and unwrapping", () => {
  const parsed = parseHeader(headerBytes);

  test("verifyHeaderMac accepts the file key and rejects any other", async () => {
    await verifyHeaderMac(parsed, fileKey);
    await rejectsWith(verifyHeaderMac(parsed, crypto.getRandomValues(new Uint8Array(16))), "MAC_MISMATCH");
  });

  test("a changed lineage argument parses but fails the MAC", async () => {
    const changed = parseHeader(encoder.encode(headerText.replace(`${market} 7 0`, `${market} 7 9`)));
    assert.equal(changed.lineage.holderTokenId, 9n);
    await rejectsWith(verifyHeaderMac(changed, fileKey), "MAC_MISMATCH");
    await rejectsWith(unwrapFileKey(changed, [holder.identity]), "MAC_MISMATCH");
  });

  test("unwrapFileKey returns null for identities without a stanza", async () => {
    assert.equal(await unwrapFileKey(parsed, [stranger.identity]), null);
    assert.equal(await unwrapFileKey(parsed, []), null);
    assert.deepEqual(await unwrapFileKey(parsed, [stranger.identity, verifier.identity]), fileKey);
  });

  test("unwrapFileKey takes an X25519 CryptoKey identity", async () => {
    const { bytes } = bech32.decodeToBytes(holder.identity.toLowerCase());
    const pkcs8 = new Uint8Array([...Buffer.from("302e020100300506032b656e04220420", "hex"), ...bytes]);
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
    assert.deepEqual(await unwrapFileKey(parsed, [key]), fileKey);
    const other = await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
    assert.equal(await unwrapFileKey(parsed, [(other as CryptoKeyPair).privateKey]), null);
  });

  test("unwrapFileKey refuses a low-order share rather than treating it as another recipient's", async () => {
    const zeroShare = base64nopad.encode(new Uint8Array(32));
    const stanzaLine = lines[1] as string;
    const lowOrder = headerText.replace(stanzaLine, `-> X25519 ${zeroShare}`);
    const parsedLowOrder = parseHeader(encoder.encode(lowOrder));
    await rejectsWith(unwrapFileKey(parsedLowOrder, [stranger.identity]), "HEADER_MALFORMED");
  });

  test("unwrapFileKey rejects what is not an identity", async () => {
    await rejectsWith(unwrapFileKey(parsed, [holder.recipient]), "INVALID_IDENTITY");
    await rejectsWith(unwrapFileKey(parsed, ["AGE-SECRET-KEY-1NOTAKEY"]), "INVALID_IDENTITY");
    const ecdsa = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    await rejectsWith(unwrapFileKey(parsed, [(ecdsa as CryptoKeyPair).privateKey]), "INVALID_IDENTITY");
  });
});

describe("rekeyHeader", () => {
  const parsed = parseHeader(headerBytes);

  test("keeps the file key and content, replaces the holder and the holder token", async () => {
    const buyer = await keyPair();
    const rekeyed = parseHeader(
      await rekeyHeader({
        header: parsed,
        fileKey,
        holderRecipients: [buyer.recipient],
        verifierRecipient: verifier.recipient,
        holderTokenId: 42n,
      }),
    );
    assert.deepEqual(rekeyed.lineage, { ...lineage, market, holderTokenId: 42n });
    assert.deepEqual(await unwrapFileKey(rekeyed, [buyer.identity]), fileKey);
    assert.deepEqual(await unwrapFileKey(rekeyed, [verifier.identity]), fileKey);
    assert.equal(await unwrapFileKey(rekeyed, [holder.identity]), null);
    await verifyHeaderMac(rekeyed, fileKey);
  });

  test("reuses the verifier's stanza it is given, and the result re-keys again", async () => {
    const unwrapped = await unwrapHeader(parsed, [stranger.identity, verifier.identity]);
    assert.ok(unwrapped?.stanza);
    assert.deepEqual(unwrapped.fileKey, fileKey);
    assert.equal(unwrapped.identityIndex, 1);
    assert.equal(unwrapped.recipient, verifier.recipient);
    assert.equal(unwrapped.stanza, parsed.stanzas[1]);
    const buyer = await keyPair();
    const rekeyed = parseHeader(
      await rekeyHeader({
        header: parsed,
        fileKey,
        holderRecipients: [buyer.recipient],
        verifierRecipient: verifier.recipient,
        holderTokenId: 7n,
        verifierStanza: unwrapped.stanza,
      }),
    );
    assert.deepEqual(rekeyed.stanzas[1], parsed.stanzas[1]);
    assert.notDeepEqual(rekeyed.stanzas[0], parsed.stanzas[0]);
    assert.deepEqual(rekeyed.lineage, { ...lineage, market, holderTokenId: 7n });
    await verifyHeaderMac(rekeyed, fileKey);
    assert.deepEqual(await unwrapFileKey(rekeyed, [buyer.identity]), fileKey);
    assert.equal(await unwrapFileKey(rekeyed, [holder.identity]), null);
    // age-encryption, a reader independent of ours, accepts it.
    const decrypter = new Decrypter();
    decrypter.addIdentity(verifier.identity);
    assert.deepEqual(await decrypter.decryptHeader(rekeyed.bytes), fileKey);

    const again = await unwrapHeader(rekeyed, [verifier.identity]);
    assert.ok(again?.stanza);
    const twice = parseHeader(
      await rekeyHeader({
        header: rekeyed,
        fileKey: again.fileKey,
        holderRecipients: [holder.recipient],
        verifierRecipient: verifier.recipient,
        holderTokenId: 8n,
        verifierStanza: again.stanza,
      }),
    );
    assert.deepEqual(await unwrapFileKey(twice, [holder.identity]), fileKey);
    assert.deepEqual(twice.stanzas[1], parsed.stanzas[1]);
  });

  test("refuses to reuse a stanza that is not the header's", async () => {
    const other = parseHeader(
      await writeHeader({
        fileKey,
        holderRecipients: [holder.recipient],
        verifierRecipient: verifier.recipient,
        lineage,
      }),
    );
    await rejectsWith(
      rekeyHeader({
        header: parsed,
        fileKey,
        holderRecipients: [holder.recipient],
        verifierRecipient: verifier.recipient,
        holderTokenId: 1n,
        verifierStanza: other.stanzas[1],
      }),
      "INVALID_RECIPIENT",
    );
  });

  test("refuses a file key that did not make the header", async () => {
    await rejectsWith(
      rekeyHeader({
        header: parsed,
        fileKey: crypto.getRandomValues(new Uint8Array(16)),
        holderRecipients: [holder.recipient],
        verifierRecipient: verifier.recipient,
        holderTokenId: 1n,
      }),
      "MAC_MISMATCH",
    );
  });
});
