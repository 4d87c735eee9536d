import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { loadSignatureRecovery, recoverWithNoble } from "@superdist/verifier";
import { type Hex, keccak256, serializeCompactSignature, signatureToCompactSignature, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount, sign } from "viem/accounts";
import { describe, test } from "vitest";

const curveOrder = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const word = (n: bigint) => n.toString(16).padStart(64, "0");

const native = loadSignatureRecovery();

/** Signatures of random keys over random digests, in every encoding a client may send. */
async function signedSamples(count: number) {
  const samples: { hash: Hex; signature: Hex; signer: string }[] = [];
  for (let i = 0; i < count; i++) {
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    const hash = keccak256(randomBytes(32));
    const signature = await sign({ hash, privateKey: key });
    const r = signature.r.slice(2);
    const s = signature.s.slice(2);
    const parity = signature.yParity as number;
    samples.push(
      { hash, signature: `0x${r}${s}${(27 + parity).toString(16)}`, signer },
      { hash, signature: `0x${r}${s}0${parity}`, signer },
      { hash, signature: serializeCompactSignature(signatureToCompactSignature(signature)), signer },
    );
  }
  return samples;
}

/** Byte strings that are no signature by anyone, or by someone else, each a way a request can be wrong. */
async function malformedSamples() {
  const [{ hash, signature }] = await signedSamples(1);
  const r = signature.slice(2, 66);
  const s = signature.slice(66, 130);
  const highS = word(curveOrder - BigInt(`0x${s}`));
  const samples: Hex[] = [
    `0x${r}${s}1d`, // v = 29
    `0x${r}${s}02`,
    `0x${r}${s}25`, // an EIP-155 v
    `0x${word(0n)}${s}1b`,
    `0x${r}${word(0n)}1b`,
    `0x${word(curveOrder)}${s}1b`,
    `0x${r}${word(curveOrder)}1c`,
    `0x${word(curveOrder + 5n)}${s}1b`,
    `0x${"ff".repeat(64)}1b`,
    `0x${r}${highS}1b`, // the other s of the same point: recovers a different key
    `0x${r}${highS}1c`,
    `0x${word(0n)}${word(0n)}`,
    `0x${"ff".repeat(64)}`,
    `0x${r}${s}`.slice(0, 130) as Hex,
    `0x${r}${s}1b00`,
    toHex(randomBytes(65)),
    toHex(randomBytes(64)),
  ];
  // x coordinates with no point on the curve: recovery has nothing to find.
  for (let x = 1n; samples.length < 30; x++) samples.push(`0x${word(x)}${s}1b`);
  return samples.map((bytes) => ({ hash, signature: bytes }));
}

describe("signature recovery", () => {
  test("libsecp256k1's prebuilt binding loads on this platform", () => {
    assert.equal(native.implementation, "libsecp256k1");
  });

  test("where the binding is missing, noble recovers instead", async () => {
    const fallback = loadSignatureRecovery(() => {
      throw new Error("No native build was found for platform=linux arch=x64");
    });
    assert.equal(fallback.implementation, "noble");
    for (const { hash, signature, signer } of await signedSamples(3)) {
      assert.equal(await fallback.recover(hash, signature), signer);
    }
    assert.equal(await fallback.recover(keccak256("0x"), `0x${"ff".repeat(65)}`), undefined);
  });

  test("both find the signer of every encoding: v 27/28, y parity 0/1, EIP-2098", async () => {
    for (const { hash, signature, signer } of await signedSamples(40)) {
      assert.equal(await native.recover(hash, signature), signer, signature);
      assert.equal(await recoverWithNoble(hash, signature), signer, signature);
    }
  });

  test("both give the same answer for bytes that are not the signer's: out of range, off the curve, bad v", async () => {
    for (const { hash, signature } of await malformedSamples()) {
      assert.equal(await native.recover(hash, signature), await recoverWithNoble(hash, signature), signature);
    }
  });

  test("random bytes recover the same address, or none, in both", async () => {
    for (let i = 0; i < 200; i++) {
      const hash = keccak256(randomBytes(32));
      const signature = toHex(randomBytes(i % 2 ? 64 : 65));
      const last = `0x${signature.slice(2, 130)}${i % 4 === 0 ? "1b" : "1c"}` as Hex;
      for (const bytes of [signature, last]) {
        assert.equal(await native.recover(hash, bytes), await recoverWithNoble(hash, bytes), bytes);
      }
    }
  });
});
