/**
 * The CLI as a user installs it: `npm pack` of packages/cli, `npm install -g` of the tarball into a fresh prefix
 * with the registry out of reach (--offline), then the linked `superdist` run from a folder outside the
 * repository, so that nothing of the monorepo can be what makes it work.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ROOT } from "../../scripts/stack/chain.ts";

const execFileAsync = promisify(execFile);

type Run = { code: number; stdout: string; stderr: string };

/** The environment of this process without npm's own settings (a test run by `npm run` inherits them). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  // The bin's `#!/usr/bin/env node` and npm itself must find this Node, not another one on the PATH.
  return { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ""}` };
}

async function run(command: string, args: string[], cwd: string, env = cleanEnv()): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, env, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("the packed superdist CLI, installed globally", () => {
  let dir: string;
  let prefix: string;
  let elsewhere: string;
  let bin: string;
  let packed: { filename: string; size: number; files: { path: string }[] };
  let version: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "superdist-install-"));
    prefix = join(dir, "prefix");
    elsewhere = join(dir, "elsewhere");
    await mkdir(elsewhere);
    version = JSON.parse(await readFile(join(ROOT, "packages/cli/package.json"), "utf8")).version;
    const pack = await run("npm", ["pack", "-w", "packages/cli", "--pack-destination", dir, "--json"], ROOT);
    assert.equal(pack.code, 0, pack.stderr);
    // The JSON follows whatever the prepack script printed.
    [packed] = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m)));
    const install = await run(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        "--offline",
        "--no-audit",
        "--no-fund",
        "--cache",
        join(dir, "npm-cache"),
        join(dir, packed.filename),
      ],
      elsewhere,
    );
    assert.equal(install.code, 0, install.stderr);
    bin = join(prefix, "bin", "superdist");
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("packs the launcher, the bundle and its licenses only, with no dependency left to fetch", async () => {
    assert.equal(packed.filename, `superdist-cli-${version}.tgz`);
    assert.deepEqual(packed.files.map((f) => f.path).sort(), [
      "bin/superdist.js",
      "dist/THIRD-PARTY-LICENSES.txt",
      "dist/superdist.js",
      "package.json",
    ]);
    const licenses = await readFile(
      join(prefix, "lib/node_modules/@superdist/cli/dist/THIRD-PARTY-LICENSES.txt"),
      "utf8",
    );
    assert.match(licenses, /^viem@\S+ \(MIT\)$/m);
    assert.match(licenses, /^age-encryption@\S+ \(BSD-3-Clause\)$/m);
    const installed = JSON.parse(
      await readFile(join(prefix, "lib/node_modules/@superdist/cli/package.json"), "utf8"),
    );
    assert.equal(installed.dependencies, undefined);
    assert.ok(packed.size < 1_000_000, `the tarball is ${packed.size} bytes`);
  });

  it("superdist --help and --version work outside the repository", async () => {
    const help = await run(bin, ["--help"], elsewhere);
    assert.equal(help.code, 0, help.stderr);
    assert.match(
      help.stdout,
      /^superdist — superdistribution on chain\n\nUsage: superdist <command> \[options\]/,
    );
    assert.match(help.stdout, /keygen \[--force\]/);
    const shown = await run(bin, ["--version"], elsewhere);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout, `${version}\n`);
  });

  it("keygen writes an identity file (mode 0600) that age-keygen reads, prints its recipient; --force replaces it", async () => {
    const result = await run(bin, ["keygen", "--identity", "keys/identity.txt"], elsewhere);
    assert.equal(result.code, 0, result.stderr);
    const file = join(elsewhere, "keys/identity.txt");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const { stdout: recipient } = await execFileAsync("age-keygen", ["-y", file]);
    assert.match(recipient, /^age1[0-9a-z]{58}\n$/);
    assert.match(result.stdout, new RegExp(`This device's recipient: ${recipient.trim()}\\n`));
    const again = await run(bin, ["keygen", "--identity", file], elsewhere);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists at .*; pass --force to replace it/);
    const forced = await run(bin, ["keygen", "--identity", file, "--force"], elsewhere);
    assert.equal(forced.code, 0, forced.stderr);
    const { stdout: replaced } = await execFileAsync("age-keygen", ["-y", file]);
    assert.notEqual(replaced, recipient);
  });

  it("passes exit codes through: a usage error exits 2", async () => {
    const result = await run(bin, ["publish", "song.wav", "--price", "-1", "--title", "x"], elsewhere);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--price must be a non-negative decimal amount/);
  });

  it("inside the repository, the workspace's ./node_modules/.bin/superdist works too", async () => {
    const result = await run(join(ROOT, "node_modules/.bin/superdist"), ["--version"], elsewhere);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  });
});
