/**
 * Verifier soak: `npm run soak` (5 minutes; `SOAK_SECONDS=60` in CI, `SOAK_RATE` re-keys per second, default 100).
 *
 * Two verifier processes with one identity against a local Hardhat node, and a client that lists both replicas
 * (`requestRekey` with `verifierUrls`, half the requests naming one first, half the other) at a steady rate of
 * about half what `npm run bench:verifier` measures at saturation on this kind of machine. Halfway through, one
 * replica is stopped with SIGTERM and started again on the same port. Prints requests, errors and latency before,
 * around and after the restart; exits 1 when more requests failed than were in flight when the replica went down.
 * It is a check, not a benchmark: it writes nothing to docs/benchmarks.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parseHeader, unwrapFileKey } from "@superdist/package";
import { decodeBase64, rekeyDeadline, requestRekey } from "@superdist/verifier";
import type { PrivateKeyAccount } from "viem";
import { markdownTable } from "./bench/report.ts";
import { ROOT } from "./stack/chain.ts";
import { ageKeyPair, type RekeyBody, signedRekeyBody, startMarketFixture } from "./stack/market.ts";
import { freePort } from "./stack/ports.ts";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const RATE = Number(process.env.SOAK_RATE ?? 100);
const TOKENS = 64;
// Signed once, so every request must stay valid for the whole run (the verifier takes at most an hour ahead).
const DEADLINE_AHEAD_S = 3300;

if (!(SECONDS > 0 && SECONDS <= DEADLINE_AHEAD_S - 120) || !(RATE > 0)) {
  process.stderr.write(`SOAK_SECONDS must be 1..${DEADLINE_AHEAD_S - 120} and SOAK_RATE positive.\n`);
  process.exit(2);
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

type Replica = { name: string; url: string; port: number; child: ChildProcess };

async function startReplica(name: string, port: number, env: NodeJS.ProcessEnv): Promise<Replica> {
  const child = spawn(process.execPath, ["packages/verifier/src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env, SUPERDIST_VERIFIER_PORT: String(port) },
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const message = JSON.parse(line) as { msg?: string; url?: string };
    if (message.msg === "ready" && message.url) {
      // Logs keep flowing; drain them so the verifier never blocks on a full pipe.
      child.stdout?.resume();
      return { name, url: message.url, port, child };
    }
  }
  throw new Error(`verifier ${name} exited before it was ready`);
}

async function stopReplica(replica: Replica): Promise<void> {
  if (replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = once(replica.child, "exit");
  replica.child.kill("SIGTERM");
  await exited;
}

type Outcome = { startedMs: number; ms: number; error?: string; url?: string };

function percentile(sorted: number[], p: number): string {
  if (sorted.length === 0) return "–";
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return (sorted[Math.max(0, index)] as number).toFixed(1);
}

const fixture = await startMarketFixture();
const replicas: Replica[] = [];
try {
  log(`publishing and selling ${TOKENS} licenses...`);
  const content = await fixture.publish();
  const buyers = fixture.accounts.slice(2) as PrivateKeyAccount[];
  const holder = await ageKeyPair();
  const deadline = rekeyDeadline(DEADLINE_AHEAD_S);
  const bodies: RekeyBody[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const owner = buyers[i % buyers.length] as PrivateKeyAccount;
    const tokenId = await fixture.buy(content.contentId, owner);
    bodies.push(
      await signedRekeyBody(fixture.chain, owner, {
        header: content.header,
        tokenId,
        recipient: holder.recipient,
        deadline,
      }),
    );
  }
  const header = decodeBase64((bodies[0] as RekeyBody).header) as Uint8Array;

  const env = {
    SUPERDIST_RPC_URL: fixture.chain.rpcUrl,
    SUPERDIST_CHAIN_ID: String(fixture.chain.chainId),
    SUPERDIST_MARKET: fixture.chain.market,
    SUPERDIST_VERIFIER_IDENTITY: fixture.verifier.identity,
    // All the load comes from one address, on as many connections as its requests in flight, and reuses each
    // license many times: it stands for many clients.
    SUPERDIST_VERIFIER_RATE_IP: "1000000/1000000",
    SUPERDIST_VERIFIER_RATE_TOKEN: "1000000/1000000",
    SUPERDIST_VERIFIER_MAX_CONNECTIONS_PER_IP: "512",
  };
  const ports = [await freePort(), await freePort()];
  replicas.push(
    ...(await Promise.all([
      startReplica("a", ports[0] as number, env),
      startReplica("b", ports[1] as number, env),
    ])),
  );
  const [a, b] = replicas as [Replica, Replica];

  log(`${SECONDS} s at ${RATE} re-keys/s against ${a.url} and ${b.url}; ${b.name} restarts halfway...`);
  const outcomes: Outcome[] = [];
  let inFlight = 0;
  let checked = 0;
  const started = performance.now();
  const send = async (i: number) => {
    const body = bodies[i % bodies.length] as RekeyBody;
    const startedMs = performance.now() - started;
    inFlight++;
    try {
      const answer = await requestRekey({
        verifierUrls: i % 2 === 0 ? [a.url, b.url] : [b.url, a.url],
        header,
        tokenId: BigInt(body.tokenId),
        recipient: body.recipient,
        deadline: BigInt(body.deadline),
        signature: body.signature,
      });
      // A sample of the answers is opened, so that a wrong header counts as an error and not as a success.
      if (i % 100 === 0) {
        const fileKey = await unwrapFileKey(parseHeader(answer.header), [holder.identity]);
        if (!fileKey || Buffer.compare(Buffer.from(fileKey), Buffer.from(content.fileKey)) !== 0) {
          throw new Error("the answer does not open with the holder's identity");
        }
        checked++;
      }
      outcomes.push({ startedMs, ms: performance.now() - started - startedMs, url: answer.url });
    } catch (error) {
      const { code, details } = error as { code?: string; details?: string };
      outcomes.push({
        startedMs,
        ms: performance.now() - started - startedMs,
        error: code ? `${code}${details ? ` (${details})` : ""}` : (error as Error).message,
      });
    } finally {
      inFlight--;
    }
  };

  let restart: { atMs: number; readyMs: number; inFlight: number } | undefined;
  const restarting = (async () => {
    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 2));
    const atMs = performance.now() - started;
    const inFlightThen = inFlight;
    log(`restarting ${b.name} (${inFlightThen} requests in flight)...`);
    await stopReplica(b);
    b.child = (await startReplica(b.name, b.port, env)).child;
    restart = { atMs, readyMs: performance.now() - started, inFlight: inFlightThen };
    log(`${b.name} is back after ${((restart.readyMs - atMs) / 1000).toFixed(1)} s`);
  })();

  // Open loop: request i is due at i / RATE seconds, whatever the answers before it took.
  const total = Math.floor(SECONDS * RATE);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const dueMs = (i * 1000) / RATE;
    const waitMs = dueMs - (performance.now() - started);
    if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
    pending.push(send(i));
  }
  await Promise.all(pending);
  await restarting;
  const window = restart as { atMs: number; readyMs: number; inFlight: number };

  const phases: [string, (o: Outcome) => boolean][] = [
    ["before the restart", (o) => o.startedMs < window.atMs],
    ["while it restarts", (o) => o.startedMs >= window.atMs && o.startedMs < window.readyMs],
    ["after the restart", (o) => o.startedMs >= window.readyMs],
    ["all", () => true],
  ];
  const rows = phases.map(([name, inPhase]) => {
    const chosen = outcomes.filter(inPhase);
    const latencies = chosen
      .filter((o) => !o.error)
      .map((o) => o.ms)
      .sort((x, y) => x - y);
    const served = (url: string) => chosen.filter((o) => o.url === url).length;
    return [
      name,
      chosen.length,
      chosen.filter((o) => o.error).length,
      `${served(a.url)} / ${served(b.url)}`,
      percentile(latencies, 50),
      percentile(latencies, 99),
    ];
  });
  const errors = outcomes.filter((o) => o.error);
  const achieved = outcomes.length / ((performance.now() - started) / 1000);
  process.stdout.write(
    `${markdownTable(["phase", "requests", "errors", `served by ${a.name} / ${b.name}`, "p50 ms", "p99 ms"], rows)}\n`,
  );
  process.stdout.write(
    `\n${RATE} re-keys/s asked, ${achieved.toFixed(0)} achieved; ${checked} answers opened; ${b.name} down for ${((window.readyMs - window.atMs) / 1000).toFixed(1)} s with ${window.inFlight} requests in flight.\n`,
  );
  if (errors.length > 0) {
    const byCode = new Map<string, number>();
    for (const o of errors) byCode.set(o.error as string, (byCode.get(o.error as string) ?? 0) + 1);
    process.stdout.write(`errors: ${[...byCode].map(([code, n]) => `${code} × ${n}`).join(", ")}\n`);
  }
  if (errors.length > window.inFlight) {
    process.stdout.write(
      `FAIL: ${errors.length} errors, more than the ${window.inFlight} requests in flight.\n`,
    );
    process.exitCode = 1;
  }
} finally {
  await Promise.all(replicas.map(stopReplica));
  await fixture.stop();
}
