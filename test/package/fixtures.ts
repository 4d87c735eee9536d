import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decryptPackage,
  encryptPackage,
  generateIdentity,
  identityToRecipient,
  type Lineage,
  PackageError,
  type PackageErrorCode,
} from "@superdist/package";

export const lineage: Lineage = {
  chainId: 31337n,
  market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  contentId: 7n,
  holderTokenId: 0n,
};

export type KeyPair = { identity: string; recipient: string };

export async function keyPair(): Promise<KeyPair> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A stream of `bytes` cut into pieces of the given sizes, cycling through them. */
export function streamOf(bytes: Uint8Array, pieceSizes: number[] = [1 << 20]): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const size = pieceSizes[turn++ % pieceSizes.length] as number;
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export type Sealed = { pkg: Uint8Array; fileKey: Uint8Array; headerLength: number };

/** Encrypts `plaintext` to a package in memory, for `holder` with `verifier` as the verifier. */
export async function seal(plaintext: Uint8Array, holder: KeyPair, verifier: KeyPair, pieces?: number[]) {
  const result = await encryptPackage(streamOf(plaintext, pieces), {
    holderRecipients: [holder.recipient],
    verifierRecipient: verifier.recipient,
    lineage,
    plaintextSize: plaintext.length,
  });
  const pkg = await collect(result.stream);
  return { pkg, fileKey: result.fileKey, headerLength: result.header.bytes.length } satisfies Sealed;
}

export async function open(pkg: Uint8Array, identities: string[], pieces?: number[]): Promise<Uint8Array> {
  const opened = await decryptPackage(streamOf(pkg, pieces), { identities });
  return collect(opened.stream);
}

export async function rejectsWith(promise: Promise<unknown>, code: PackageErrorCode): Promise<PackageError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof PackageError, `expected PackageError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

export function throwsWith(run: () => unknown, code: PackageErrorCode): PackageError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PackageError, `expected PackageError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected PackageError ${code}, nothing was thrown`);
}

export type TempDir = {
  dir: string;
  path(name: string): string;
  entries(): Promise<string[]>;
  remove(): Promise<void>;
};

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), "superdist-package-"));
  return {
    dir,
    path: (name) => join(dir, name),
    entries: async () => (await readdir(dir)).sort(),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
