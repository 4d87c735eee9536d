/**
 * Builds the dApp once, serves it against a test chain, and opens browsers whose users each have their own
 * profile (so their own IndexedDB identity) and their own injected wallet.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { freePort, ROOT } from "../helpers/localChain.ts";
import { installTestWallet, type TestWallet, type TestWalletOptions } from "./wallet.ts";

export const WEB = join(ROOT, "web");
export const SCREENSHOTS = join(ROOT, "docs/screenshots");
const NEXT = join(ROOT, "node_modules/next/dist/bin/next");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

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

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output = (output + chunk).slice(-20_000);
    });
    child.stderr.on("data", (chunk) => {
      output = (output + chunk).slice(-20_000);
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed:\n${output}`)),
    );
  });
}

let built: Promise<void> | undefined;

/** `next build`, skipped when a build of exactly these sources is already there. */
export function buildWeb(): Promise<void> {
  built ??= (async () => {
    const stamp = join(WEB, ".next", "source-hash");
    const hash = await sourceHash();
    if ((await readFile(stamp, "utf8").catch(() => "")) === hash) return;
    await run(process.execPath, [NEXT, "build"], WEB, { ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
    await writeFile(stamp, hash);
  })();
  return built;
}

export type WebServer = { url: string; stop(): Promise<void> };

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = once(child, "exit");
  process.kill(-child.pid, "SIGTERM");
  await exited;
}

/** Serves the production build with the deployment given as environment, as an operator would. */
export async function startWeb(env: Record<string, string>): Promise<WebServer> {
  await buildWeb();
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: WEB,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (chunk) => {
    log = (log + chunk).slice(-8_000);
  });
  child.stderr?.on("data", (chunk) => {
    log = (log + chunk).slice(-8_000);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${log}`);
    const ok = await fetch(url)
      .then((response) => response.status < 500)
      .catch(() => false);
    if (ok) break;
    if (attempt > 300) {
      await stopProcess(child);
      throw new Error(`next start did not answer:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop: () => stopProcess(child) };
}

export type User = {
  context: BrowserContext;
  page: Page;
  /** Absent for a visitor without a wallet. */
  wallet?: TestWallet;
  /** Uncaught errors of the pages, which a test should find empty. */
  errors: string[];
  close(): Promise<void>;
};

/** A browser with a fresh profile; with `wallet`, an injected wallet holding that key. */
export async function openUser(wallet?: TestWalletOptions): Promise<User> {
  const profile = await mkdtemp(join(tmpdir(), "superdist-browser-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  const installed = wallet ? await installTestWallet(context, wallet) : undefined;
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  context.on("weberror", (error) => errors.push(error.error().message));
  return {
    context,
    page,
    wallet: installed,
    errors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
