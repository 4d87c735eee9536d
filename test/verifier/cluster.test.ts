import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { createInterface } from "node:readline";
import { parseHeader, unwrapFileKey } from "@superdist/package";
import { decodeBase64 } from "@superdist/verifier";
import type { PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  type AgeKeyPair,
  ageKeyPair,
  type MarketFixture,
  type PublishedContent,
  type RekeyBody,
  signedRekeyBody,
  startMarketFixture,
} from "../../scripts/stack/market.ts";
import { isAlive } from "../../scripts/stack/processes.ts";
import { spawnVerifier } from "./process.ts";

type LogLine = {
  msg?: string;
  pid?: number;
  route?: string;
  status?: number;
  url?: string;
  workers?: number;
};

/** One request on a connection of its own, as separate clients make them: the kernel deals each to a worker. */
function send(url: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      agent: false,
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    outgoing.on("error", reject);
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`no answer to ${path}`)));
    outgoing.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.end(body);
  });
}

describe("the verifier with SUPERDIST_VERIFIER_WORKERS=2", () => {
  let fixture: MarketFixture;
  let content: PublishedContent;
  let holder: AgeKeyPair;
  let tokenId: bigint;
  let body: RekeyBody;
  let child: ChildProcess;
  let url: string;
  const lines: LogLine[] = [];

  const servedBy = () =>
    new Set(
      lines.filter((line) => line.msg === "request" && line.route === "/v1/rekey").map((line) => line.pid),
    );

  const rekeyOnce = async () => {
    const answer = await send(url, "/v1/rekey", JSON.stringify(body));
    assert.equal(answer.status, 200, answer.text);
    const header = parseHeader(
      decodeBase64((JSON.parse(answer.text) as { header: string }).header) as Uint8Array,
    );
    assert.equal(header.lineage.holderTokenId, tokenId);
    assert.deepEqual(await unwrapFileKey(header, [holder.identity]), content.fileKey);
  };

  const rekeysTotal = async () => {
    const metrics = await send(url, "/metrics");
    const match = /^superdist_verifier_rekeys_total (\d+)$/m.exec(metrics.text);
    return Number(match?.[1]);
  };

  beforeAll(async () => {
    fixture = await startMarketFixture();
    content = await fixture.publish();
    const buyer = fixture.accounts[2] as PrivateKeyAccount;
    tokenId = await fixture.buy(content.contentId, buyer);
    holder = await ageKeyPair();
    body = await signedRekeyBody(fixture.chain, buyer, {
      header: content.header,
      tokenId,
      recipient: holder.recipient,
    });
    child = spawnVerifier(fixture, {
      SUPERDIST_VERIFIER_PORT: "0",
      SUPERDIST_VERIFIER_WORKERS: "2",
      SUPERDIST_VERIFIER_RATE_IP: "1000/1000",
      SUPERDIST_VERIFIER_RATE_TOKEN: "1000/1000",
    });
    const ready = new Promise<LogLine>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`the verifier exited with ${code} before it was ready`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
        // A worker killed mid-line leaves a fragment that is no log line.
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        lines.push(line);
        if (line.msg === "ready") resolve(line);
      });
    });
    const line = await ready;
    assert.equal(line.workers, 2);
    url = line.url as string;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
    await fixture?.stop();
  });

  test("two processes serve re-keys on one port, and /metrics counts them all", async () => {
    for (let i = 0; i < 16; i++) await rekeyOnce();
    assert.equal(servedBy().size, 2);
    assert.ok(!servedBy().has(child.pid));
    // Whichever worker answers, it reports both workers' counters.
    for (let i = 0; i < 4; i++) assert.equal(await rekeysTotal(), 16);
  });

  test("a worker that dies is replaced, and re-keys go on meanwhile", async () => {
    const [victim] = [...servedBy()] as number[];
    process.kill(victim as number, "SIGKILL");
    // A connection the primary dealt to the worker as it died goes with it, as with any crash; from the moment the
    // primary knows, every connection goes to a live worker.
    while (!lines.some((line) => line.msg === "worker exited; starting another")) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = servedBy();
    for (let i = 0; i < 40 && [...servedBy()].every((pid) => before.has(pid)); i++) {
      await rekeyOnce();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const fresh = [...servedBy()].filter((pid) => !before.has(pid));
    assert.equal(fresh.length, 1, "a new worker serves");
  });

  test("SIGTERM stops the primary and every worker", async () => {
    const workers = [...servedBy()].filter((pid) => pid !== undefined && isAlive(pid)) as number[];
    assert.equal(workers.length, 2);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    assert.equal(code, 0);
    assert.deepEqual(
      workers.filter((pid) => isAlive(pid)),
      [],
    );
  });
});
