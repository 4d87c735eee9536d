import assert from "node:assert/strict";
import { EventEmitter, once } from "node:events";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identityToRecipient } from "@superdist/package";
import { runVerifier, type VerifierProcess } from "@superdist/verifier";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { ageKeyPair } from "../../scripts/stack/market.ts";
import { freePort } from "../../scripts/stack/ports.ts";

/** The parts of `process` the service uses, recorded: what it printed, and the exit code it asked for. */
function recordingProcess() {
  const signals = new EventEmitter();
  const recorded = { stdout: "", stderr: "", exits: [] as number[] };
  let exited: (code: number) => void = () => {};
  const exit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const io: VerifierProcess = {
    stdout: { write: (text) => (recorded.stdout += text) },
    stderr: { write: (text) => (recorded.stderr += text) },
    on: (signal, listener) => signals.on(signal, listener),
    exit: (code) => {
      recorded.exits.push(code);
      exited(code);
    },
  };
  return { io, recorded, exit, signal: (name: "SIGINT" | "SIGTERM") => signals.emit(name) };
}

function readyLine(stdout: string): { msg: string; url: string; recipient: string } {
  const [line, ...rest] = stdout.split("\n");
  assert.deepEqual(rest, [""], "one line, ended by a newline");
  return JSON.parse(line as string);
}

describe("the verifier service (npm run verifier), in-process", () => {
  let chain: LocalChain;
  let verifierKey: Awaited<ReturnType<typeof ageKeyPair>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    chain = await startLocalChain();
    verifierKey = await ageKeyPair();
    env = {
      SUPERDIST_RPC_URL: chain.rpcUrl,
      SUPERDIST_CHAIN_ID: String(chain.chainId),
      SUPERDIST_MARKET: chain.market,
      SUPERDIST_VERIFIER_IDENTITY: verifierKey.identity,
      SUPERDIST_VERIFIER_PORT: "0",
      SUPERDIST_VERIFIER_LOG_LEVEL: "silent",
    };
  });

  afterAll(async () => {
    await chain?.stop();
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`starts from the environment, prints its ready line, serves, and on ${signal} stops and exits 0`, async () => {
      const proc = recordingProcess();
      const started = await runVerifier(env, proc.io);
      assert.ok(started);
      const ready = readyLine(proc.recorded.stdout);
      assert.equal(ready.msg, "ready");
      assert.match(ready.url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
      assert.equal(ready.url, started.url);
      assert.equal(ready.recipient, verifierKey.recipient);
      assert.equal(proc.recorded.stderr, "");

      const health = await fetch(`${ready.url}/health`);
      assert.equal(health.status, 200);
      const body = (await health.json()) as { status: string; chainId: number; market: string };
      assert.equal(body.status, "ok");
      assert.equal(body.chainId, chain.chainId);
      assert.equal(body.market, chain.market);

      proc.signal(signal);
      // A second signal while closing must not exit twice (or with another code).
      proc.signal(signal === "SIGTERM" ? "SIGINT" : "SIGTERM");
      assert.equal(await proc.exit, 0);
      await assert.rejects(fetch(`${ready.url}/health`), "the port is closed once it exits");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(proc.recorded.exits, [0]);
    });
  }

  test("on a local chain without an identity, it creates one, tells where and what its recipient is", async () => {
    const dir = await mkdtemp(join(tmpdir(), "superdist-verifier-main-"));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { SUPERDIST_VERIFIER_IDENTITY: _, ...withoutIdentity } = env;
      const proc = recordingProcess();
      const started = await runVerifier(withoutIdentity, proc.io);
      assert.ok(started);
      const file = ".superdist/verifier-identity.txt";
      const ready = readyLine(proc.recorded.stdout);
      assert.equal(
        proc.recorded.stderr,
        `Created a verifier identity in ${file} (mode 600).\nVerifier recipient: ${ready.recipient}\n`,
      );
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const identity = (await readFile(file, "utf8"))
        .split("\n")
        .find((l) => l.startsWith("AGE-SECRET-KEY-1"));
      assert.equal(await identityToRecipient(identity as string), ready.recipient);
      proc.signal("SIGTERM");
      assert.equal(await proc.exit, 0);
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a setting it cannot start with is printed with its code, and it exits 1 without a ready line", async () => {
    const cases: [NodeJS.ProcessEnv, string][] = [
      [
        { ...env, SUPERDIST_VERIFIER_PORT: "eighty" },
        "superdist verifier: SUPERDIST_VERIFIER_PORT must be a non-negative integer, not eighty. (VERIFIER_CONFIG)\n",
      ],
      [
        { ...env, SUPERDIST_CHAIN_ID: "1" },
        `superdist verifier: The RPC serves chain ${chain.chainId}, not the configured chain 1. (VERIFIER_CONFIG)\n`,
      ],
    ];
    for (const [settings, message] of cases) {
      const proc = recordingProcess();
      assert.equal(await runVerifier(settings, proc.io), undefined);
      assert.equal(proc.recorded.stderr, message);
      assert.equal(proc.recorded.stdout, "");
      assert.deepEqual(proc.recorded.exits, [1]);
    }
  });

  test("a port already in use is reported with the system's code", async () => {
    const holder = createServer();
    holder.listen(0, "127.0.0.1");
    await once(holder, "listening");
    try {
      const port = (holder.address() as { port: number }).port;
      const proc = recordingProcess();
      assert.equal(await runVerifier({ ...env, SUPERDIST_VERIFIER_PORT: String(port) }, proc.io), undefined);
      assert.match(proc.recorded.stderr, /^superdist verifier: .*EADDRINUSE.* \(EADDRINUSE\)\n$/);
      assert.deepEqual(proc.recorded.exits, [1]);
    } finally {
      holder.close();
    }
  });

  test("with the chain not reachable yet it still starts, and /health answers 503 until it is", async () => {
    const proc = recordingProcess();
    const started = await runVerifier(
      { ...env, SUPERDIST_RPC_URL: `http://127.0.0.1:${await freePort()}` },
      proc.io,
    );
    assert.ok(started);
    const health = await fetch(`${readyLine(proc.recorded.stdout).url}/health`);
    assert.equal(health.status, 503);
    assert.ok(Number(health.headers.get("retry-after")) >= 1);
    assert.deepEqual(await health.json(), { status: "chain-unavailable", code: "CHAIN_UNAVAILABLE" });
    proc.signal("SIGTERM");
    assert.equal(await proc.exit, 0);
  });
});
