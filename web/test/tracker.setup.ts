/**
 * What the browser tests of sharing reach on loopback: a real WebSocket BitTorrent tracker, and `superdist share`
 * (the CLI, as a process of its own) serving a package as a web seed, announced to that tracker.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { encryptFile } from "@superdist/package/node";
import type { TestProject } from "vitest/node";
import { startTracker } from "../../scripts/stack/trackerServer.ts";

/** A package served by `superdist share`, and what a browser must end up with. */
export type SharedPackage = { magnet: string; name: string; size: number; sha256: string; webSeed: string };

declare module "vitest" {
  export interface ProvidedContext {
    trackerUrl: string;
    shared: SharedPackage;
  }
}

const CLI = fileURLToPath(new URL("../../packages/cli/bin/superdist.ts", import.meta.url));

async function startShare(
  path: string,
  trackerUrl: string,
): Promise<{ child: ChildProcess; ready: unknown }> {
  const child = spawn(process.execPath, [CLI, "share", path, "--tracker", trackerUrl, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => {
      throw new Error(`superdist share exited: ${stderr}`);
    }),
  ])) as [string];
  return { child, ready: JSON.parse(line) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tracker = await startTracker();
  const trackerUrl = tracker.url;
  project.provide("trackerUrl", trackerUrl);

  const dir = await mkdtemp(join(tmpdir(), "superdist-webseed-"));
  const plaintext = join(dir, "shared.bin");
  // A few pieces of 1 MiB and a short last one.
  await writeFile(plaintext, randomBytes(5 * 1024 * 1024 + 999));
  const path = join(dir, "shared.bin.superdist");
  await encryptFile(plaintext, path, {
    holderRecipients: [await identityToRecipient(await generateX25519Identity())],
    verifierRecipient: await identityToRecipient(await generateX25519Identity()),
    lineage: {
      chainId: 31337n,
      market: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      contentId: 9n,
      holderTokenId: 0n,
    },
  });
  const bytes = await readFile(path);
  const { child, ready } = await startShare(path, trackerUrl);
  const [copy] = (ready as { copies: { magnet: string; name: string; webSeed: string }[] }).copies;
  if (!copy) throw new Error("superdist share listed no copy");
  project.provide("shared", {
    magnet: copy.magnet,
    name: copy.name,
    webSeed: copy.webSeed,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  });

  return async () => {
    if (child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGINT");
      await exited;
    }
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  };
}
