/**
 * `next build` of the dApp, skipped when a build of exactly the current sources exists: the local stack and the
 * browser tests both call it, and `npm test` runs it once before the suites that serve the app.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const WEB = join(ROOT, "web");
const NEXT = join(ROOT, "node_modules/next/dist/bin/next");

/** Sources whose change must rebuild the app: the app itself and the workspace packages it bundles. */
async function sourceFiles(): Promise<string[]> {
  const skip = new Set(["node_modules", ".next", "next-env.d.ts"]);
  const files: string[] = [join(ROOT, "package-lock.json")];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (skip.has(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(path);
    }
  }
  await walk(WEB);
  for (const pkg of await readdir(join(ROOT, "packages"))) {
    const dir = join(ROOT, "packages", pkg);
    if (!(await stat(join(dir, "package.json")).catch(() => null))) continue;
    files.push(join(dir, "package.json"));
    if (await stat(join(dir, "src")).catch(() => null)) await walk(join(dir, "src"));
  }
  return files.sort();
}

async function sourceHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const file of await sourceFiles()) {
    hash.update(relative(ROOT, file));
    hash.update(await readFile(file));
  }
  return hash.digest("hex");
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed:\n${output}`))));
  });
}

let built: Promise<boolean> | undefined;

/** Builds the dApp unless the current sources are already built; resolves to whether it built. */
export function buildWeb(): Promise<boolean> {
  built ??= (async () => {
    const stamp = join(WEB, ".next", "source-hash");
    const hash = await sourceHash();
    if ((await readFile(stamp, "utf8").catch(() => "")) === hash) return false;
    await run(process.execPath, [NEXT, "build"], WEB);
    await writeFile(stamp, hash);
    return true;
  })();
  return built;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write((await buildWeb()) ? "built the dApp\n" : "the dApp build is up to date\n");
}
