/** The package worker in a real Chromium Worker: encrypt a file, decrypt it, and refuse damage with its code. */
import {
  decryptPackage,
  encryptPackage,
  generateX25519Identity,
  identityToRecipient,
  parseHeader,
} from "@superdist/package";
import { describe, expect, test } from "vitest";
import { decryptInWorker, encryptInWorker, PackageWorkerError } from "../src/lib/packageWorker.ts";
import { randomBytes } from "./random.ts";

const MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("the package worker", async () => {
  const holder = await generateX25519Identity();
  const verifier = await generateX25519Identity();
  const plaintext = randomBytes(3 * 64 * 1024 + 4321);
  const lineage = { chainId: 31337n, market: MARKET, contentId: 5n, holderTokenId: 0n } as const;

  test("encrypts with progress, and the package decrypts back to the same bytes with progress", async () => {
    const encryptProgress: number[] = [];
    const encrypted = await encryptInWorker(
      new Blob([plaintext]),
      {
        holderRecipients: [await identityToRecipient(holder)],
        verifierRecipient: await identityToRecipient(verifier),
        lineage,
      },
      (done) => encryptProgress.push(done),
    );
    expect(encryptProgress.at(-1)).toBe(plaintext.length);
    expect(encrypted.keyCommitment).toMatch(/^0x[0-9a-f]{64}$/);
    expect(encrypted.fileKey).toHaveLength(16);
    const header = parseHeader(
      new Uint8Array(await encrypted.blob.slice(0, encrypted.headerSize).arrayBuffer()),
    );
    expect(header.lineage.contentId).toBe(5n);

    const decryptProgress: number[] = [];
    const opened = await decryptInWorker(encrypted.blob, [holder], (done) => decryptProgress.push(done));
    expect(new Uint8Array(await opened.arrayBuffer())).toEqual(plaintext);
    expect(decryptProgress.length).toBeGreaterThan(0);

    // The verifier's identity opens it too: that is how it re-keys any copy.
    const byVerifier = await decryptInWorker(encrypted.blob, [verifier]);
    expect(byVerifier.size).toBe(plaintext.length);
  });

  test("a flipped payload bit and a stranger's identity fail with the format's codes", async () => {
    const encrypted = await encryptInWorker(new Blob([plaintext]), {
      holderRecipients: [await identityToRecipient(holder)],
      verifierRecipient: await identityToRecipient(verifier),
      lineage,
    });
    const damaged = new Uint8Array(await encrypted.blob.arrayBuffer());
    damaged[encrypted.headerSize + 100] ^= 1;
    const refused = await decryptInWorker(new Blob([damaged]), [holder]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PackageWorkerError);
    expect((refused as PackageWorkerError).code).toBe("PAYLOAD_CORRUPT");

    const stranger = await generateX25519Identity();
    const locked = await decryptInWorker(encrypted.blob, [stranger]).catch((error: unknown) => error);
    expect((locked as PackageWorkerError).code).toBe("NO_MATCHING_IDENTITY");

    const notAge = await decryptInWorker(new Blob(["hello"]), [holder]).catch((error: unknown) => error);
    expect((notAge as PackageWorkerError).code).toBe("NOT_AGE");
  });

  test("the worker's WebAssembly cipher and the portable one read each other's packages, byte for byte", async () => {
    // Past the 16 MiB the worker gathers into one Blob part, and not a whole number of chunks.
    const large = randomBytes(16 * 1024 * 1024 + 2 * 64 * 1024 + 7);
    const parameters = {
      holderRecipients: [await identityToRecipient(holder)],
      verifierRecipient: await identityToRecipient(verifier),
      lineage,
    };
    // Compared by digest: an element-wise comparison of 16 MiB takes the test runner longer than the work.
    const digest = async (bytes: Blob) =>
      new Uint8Array(await crypto.subtle.digest("SHA-256", await bytes.arrayBuffer()));
    const expected = await digest(new Blob([large]));

    const byWorker = await encryptInWorker(new Blob([large]), parameters);
    const opened = await decryptPackage(byWorker.blob.stream(), { identities: [holder] });
    expect(await digest(await new Response(opened.stream).blob())).toEqual(expected);

    const portable = await encryptPackage(new Blob([large]).stream(), parameters);
    const pkg = await new Response(portable.stream).blob();
    expect(await digest(await decryptInWorker(pkg, [holder]))).toEqual(expected);
  });
});
