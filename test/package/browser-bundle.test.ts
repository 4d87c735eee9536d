import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CHUNK_SIZE } from "@superdist/package";
import { build } from "esbuild";
import { afterAll, test } from "vitest";
import { keyPair, open, seal, sha256, streamOf, tempDir } from "./fixtures.ts";

// The dApp bundles the package for the browser: it must resolve to the portable cipher and never reach
// node:crypto or node:fs. The bundle also runs here, so the two ChaCha20-Poly1305 and the two X25519
// implementations are checked against each other.
const tmp = await tempDir();
afterAll(() => tmp.remove());
const entry = fileURLToPath(new URL("../../packages/package/src/index.ts", import.meta.url));

const browserBuild = (entryPoint: string) =>
  build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
const result = await browserBuild(entry);

test("the browser bundle takes the portable cipher and no Node module", () => {
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith("packages/package/src/aead.ts")));
  assert.ok(inputs.some((i) => i.endsWith("packages/package/src/x25519-dh.ts")));
  assert.ok(inputs.some((i) => i.endsWith("packages/package/src/kdf.ts")));
  assert.ok(
    !inputs.some(
      (i) =>
        i.endsWith("aead-node.ts") ||
        i.endsWith("x25519-dh-node.ts") ||
        i.endsWith("kdf-node.ts") ||
        i.endsWith("src/node.ts"),
    ),
  );
  assert.ok(!inputs.some((i) => i.startsWith("node:")));
});

test("the WebAssembly cipher bundles for the browser without a Node module", async () => {
  const wasm = await browserBuild(
    fileURLToPath(new URL("../../packages/package/src/aead-wasm.ts", import.meta.url)),
  );
  const inputs = Object.keys(wasm.metafile.inputs);
  assert.ok(inputs.some((i) => i.includes("node_modules/libsodium/")));
  assert.ok(!inputs.some((i) => i.startsWith("node:")));
});

test("packages sealed by the browser build open under Node, and the other way round", async () => {
  const bundle = tmp.path("package.browser.mjs");
  await writeFile(bundle, result.outputFiles[0]?.contents ?? "");
  const browser: typeof import("@superdist/package") = await import(pathToFileURL(bundle).href);
  const holder = await keyPair();
  const verifier = await keyPair();
  const plaintext = randomBytes(2 * CHUNK_SIZE + 77);

  const sealedByBrowser = await browser.encryptPackage(streamOf(plaintext), {
    holderRecipients: [holder.recipient],
    verifierRecipient: verifier.recipient,
    lineage: {
      chainId: 1n,
      market: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      contentId: 2n,
      holderTokenId: 0n,
    },
  });
  const pkg = new Uint8Array(await new Response(sealedByBrowser.stream).arrayBuffer());
  assert.equal(sha256(await open(pkg, [holder.identity])), sha256(plaintext));

  const sealedByNode = await seal(plaintext, holder, verifier);
  const opened = await browser.decryptPackage(streamOf(sealedByNode.pkg), { identities: [holder.identity] });
  assert.equal(sha256(new Uint8Array(await new Response(opened.stream).arrayBuffer())), sha256(plaintext));

  const damaged = sealedByNode.pkg.slice();
  damaged[sealedByNode.headerLength + 100] ^= 1;
  const failing = await browser.decryptPackage(streamOf(damaged), { identities: [holder.identity] });
  await assert.rejects(new Response(failing.stream).arrayBuffer(), { code: "PAYLOAD_CORRUPT" });
});
