/**
 * Builds the dApp once, serves it against a test chain, and opens browsers whose users each have their own
 * profile (so their own IndexedDB identity) and their own injected wallet.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import type { Hash } from "viem";
import { buildWeb } from "../../scripts/build-web.ts";
import { ROOT } from "../../scripts/stack/chain.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/stack/chromium.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { installTestWallet, type TestWallet, type TestWalletOptions } from "./wallet.ts";

export const WEB = join(ROOT, "web");
/**
 * Where the pages are photographed. `npm run screenshots` points it at `docs/screenshots`; a plain test run keeps
 * its pictures out of the tracked tree.
 */
export const SCREENSHOTS = process.env.SUPERDIST_SCREENSHOTS
  ? join(ROOT, process.env.SUPERDIST_SCREENSHOTS)
  : join(tmpdir(), "superdist-screenshots");
const NEXT = join(ROOT, "node_modules/next/dist/bin/next");

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
    executablePath: CHROMIUM_PATH,
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
  // A full-page shot of a scrolled page draws the sticky header where the viewport was.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function connect(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "Test Wallet" }).click();
  await page.getByTestId("account-address").waitFor();
}

export async function download(page: Page, button: Locator, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

/** The hash a status line shows, once it reached `stage`. */
export async function txHash(page: Page, label: string, stage = "confirmed"): Promise<Hash> {
  // Read in the same look as the stage: a panel may leave the page right after its transaction confirms.
  const hash = await page.waitForFunction(
    ([text, wanted]) =>
      [...document.querySelectorAll("[data-testid=tx-status]")]
        .find(
          (element) =>
            element.textContent?.startsWith(`${text}:`) && element.getAttribute("data-stage") === wanted,
        )
        ?.querySelector(".hash")?.textContent ?? false,
    [label, stage],
    { timeout: 60_000 },
  );
  return (await hash.jsonValue()) as Hash;
}
