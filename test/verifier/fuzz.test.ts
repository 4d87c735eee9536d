import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { createVerifierApp, decodeBase64, encodeBase64, type VerifierApp } from "@superdist/verifier";
import { pino } from "pino";
import type { PrivateKeyAccount } from "viem";
import { compactSignatureToSignature, parseCompactSignature, parseSignature } from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  ageKeyPair,
  type MarketFixture,
  type RekeyBody,
  signedRekeyBody,
  startMarketFixture,
} from "../../scripts/stack/market.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { postRekey } from "./fixtures.ts";
import { spawnVerifier } from "./process.ts";

const IN_PROCESS_CASES = 10_000;
const HTTP_CASES = 200;

/** mulberry32: a seeded generator, so that a failing case can be replayed from the printed seed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (n: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, () => int(256));
  return { next, int, pick, bytes };
}

type Random = ReturnType<typeof generator>;

function mutateString(random: Random, text: string): string {
  const chars = [...text];
  const edits = 1 + random.int(4);
  for (let e = 0; e < edits; e++) {
    const at = random.int(chars.length + 1);
    switch (random.int(5)) {
      case 0:
        chars.splice(at, 1);
        break;
      case 1:
        chars.splice(at, 0, String.fromCharCode(random.int(128)));
        break;
      case 2:
        chars[at] = String.fromCharCode(random.int(0x3000));
        break;
      case 3:
        chars.splice(at, random.int(50));
        break;
      default:
        chars.splice(at, 0, ...chars.slice(at, at + random.int(40)));
    }
  }
  return chars.join("");
}

function randomValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return random.next() < 0.5;
    case 2:
      return random.pick([0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308, Number.MIN_VALUE]);
    case 3:
      return "";
    case 4:
      return String.fromCharCode(...random.bytes(random.int(100)));
    case 5:
      return random.pick(["0", "1", "age1", "0x", "AAAA", "\u0000", "x".repeat(30_000)]);
    case 6:
      return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(4) }, () => [
          random.pick(["header", "tokenId", "__proto__", "constructor", "k"]),
          randomValue(random, depth + 1),
        ]),
      );
  }
}

function mutateHeader(random: Random, header: Uint8Array): string {
  const bytes = [...header];
  const edits = 1 + random.int(3);
  for (let e = 0; e < edits; e++) {
    const at = random.int(bytes.length + 1);
    switch (random.int(4)) {
      case 0:
        bytes[at] = random.int(256);
        break;
      case 1:
        bytes.splice(at, 1 + random.int(20));
        break;
      case 2:
        bytes.splice(at, 0, ...random.bytes(1 + random.int(20)));
        break;
      default:
        bytes.splice(at, 0, ...bytes.slice(at, at + random.int(200)));
    }
  }
  return encodeBase64(Uint8Array.from(bytes));
}

/** One fuzz case: a mutation of a valid body, random bytes, or wrong types. */
function fuzzBody(random: Random, valid: RekeyBody): string | Uint8Array<ArrayBuffer> {
  const fields = Object.keys(valid) as (keyof RekeyBody)[];
  switch (random.int(7)) {
    case 0:
      return random.bytes(random.int(3000));
    case 1:
      return mutateString(random, JSON.stringify(valid));
    case 2: {
      const field = random.pick(fields);
      return JSON.stringify({ ...valid, [field]: randomValue(random) });
    }
    case 3: {
      const field = random.pick(fields);
      const value = valid[field];
      return JSON.stringify({
        ...valid,
        [field]: typeof value === "string" ? mutateString(random, value) : value + random.int(5) - 2,
      });
    }
    case 4:
      return JSON.stringify({
        ...valid,
        header: mutateHeader(random, decodeBase64(valid.header) as Uint8Array),
      });
    case 5: {
      const copy: Record<string, unknown> = { ...valid };
      delete copy[random.pick(fields)];
      if (random.next() < 0.5) copy[random.pick(["extra", "Header", "token_id"])] = randomValue(random);
      return JSON.stringify(copy);
    }
    default:
      return JSON.stringify(randomValue(random));
  }
}

/** A signature in either accepted length: 65 bytes (r, s, v), or 64 (EIP-2098: yParity in the top bit of s). */
function anySignature(hex: string) {
  const signature = hex as `0x${string}`;
  return hex.length === 2 + 128
    ? compactSignatureToSignature(parseCompactSignature(signature))
    : parseSignature(signature);
}

/** The same signature in another accepted spelling: 64-byte EIP-2098, or v as 0/1 instead of 27/28. */
function sameSignature(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  try {
    const [x, y] = [anySignature(a), anySignature(b)];
    return x.r === y.r && x.s === y.s && x.yParity === y.yParity;
  } catch {
    return false;
  }
}

/** Whether a mutated body still says exactly what the valid one says (e.g. a hex digit changed case). */
function equivalent(text: string | Uint8Array, valid: RekeyBody): boolean {
  if (typeof text !== "string") return false;
  try {
    const body = JSON.parse(text) as RekeyBody;
    const header = decodeBase64(body.header);
    return (
      Object.keys(body).length === 5 &&
      header !== null &&
      encodeBase64(header) === valid.header &&
      body.tokenId === valid.tokenId &&
      body.recipient === valid.recipient &&
      body.deadline === valid.deadline &&
      typeof body.signature === "string" &&
      sameSignature(body.signature, valid.signature)
    );
  } catch {
    return false;
  }
}

describe("fuzzing the re-key endpoint", () => {
  const seed = Number(process.env.SUPERDIST_FUZZ_SEED ?? Date.now() % 2 ** 31);
  let fixture: MarketFixture;
  let verifier: VerifierApp;
  let valid: RekeyBody;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    fixture = await startMarketFixture();
    verifier = await createVerifierApp({
      rpcUrl: fixture.chain.rpcUrl,
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      identities: [fixture.verifier.identity],
      logger: pino({ level: "silent" }),
      rateLimits: {
        perIp: { capacity: 1e9, refillPerSecond: 1e9 },
        perToken: { capacity: 1e9, refillPerSecond: 1e9 },
      },
    });
    const buyer = fixture.accounts[2] as PrivateKeyAccount;
    const content = await fixture.publish();
    const tokenId = await fixture.buy(content.contentId, buyer);
    const holder = await ageKeyPair();
    valid = await signedRekeyBody(fixture.chain, buyer, {
      header: content.header,
      tokenId,
      recipient: holder.recipient,
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    await verifier?.close();
    await fixture?.stop();
  });

  test(`${IN_PROCESS_CASES} random and mutated bodies in-process each get a 4xx (seed ${seed})`, async ({
    annotate,
  }) => {
    const random = generator(seed);
    const statuses = new Map<number, number>();
    for (let i = 0; i < IN_PROCESS_CASES; i++) {
      const body = fuzzBody(random, valid);
      const response = await postRekey(verifier.app, body);
      const status = response.status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const json = (await response.json()) as { code?: unknown; message?: unknown; header?: unknown };
      if (status === 200) {
        assert.ok(
          equivalent(body, valid),
          `case ${i} (seed ${seed}) was served: ${String(body).slice(0, 300)}`,
        );
        continue;
      }
      assert.ok(
        status >= 400 && status < 500,
        `case ${i} (seed ${seed}) got ${status}: ${String(body).slice(0, 300)}`,
      );
      assert.equal(typeof json.code, "string");
      assert.equal(typeof json.message, "string");
    }
    await annotate(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    assert.ok(
      (statuses.get(400) ?? 0) > 0 && [...statuses.keys()].some((s) => s !== 400),
      "the mutations reach past parsing",
    );
    assert.equal((await postRekey(verifier.app, valid)).status, 200, "still serves a valid request");
  });

  test(`${HTTP_CASES} bodies and broken HTTP against a verifier process: all 4xx, and it stays up`, async () => {
    const port = await freePort();
    child = spawnVerifier(fixture, {
      SUPERDIST_VERIFIER_PORT: String(port),
      SUPERDIST_VERIFIER_RATE_IP: "100000/100000",
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    for await (const line of lines) if (line.includes('"msg":"ready"')) break;
    child.stdout?.resume();
    const url = `http://127.0.0.1:${port}`;

    const random = generator(seed + 1);
    for (let i = 0; i < HTTP_CASES; i++) {
      const body = fuzzBody(random, valid);
      const response = await fetch(`${url}/v1/rekey`, { method: "POST", body });
      await response.arrayBuffer();
      if (response.status === 200)
        assert.ok(equivalent(body, valid), `HTTP case ${i} (seed ${seed}) was served`);
      else
        assert.ok(
          response.status >= 400 && response.status < 500,
          `HTTP case ${i} (seed ${seed}) got ${response.status}`,
        );
    }

    // Below HTTP: a request line and headers over the limit, and bytes that are not HTTP at all.
    const raw = async (request: string) => {
      const socket = connect(port, "127.0.0.1");
      socket.end(request);
      let answer = "";
      for await (const chunk of socket) answer += chunk;
      return answer;
    };
    assert.match(
      await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
      /^HTTP\/1\.1 431/,
    );
    assert.match(await raw("\u0000\u0001garbage\r\n\r\n"), /^HTTP\/1\.1 400/);
    const chunk = `4000\r\n${"a".repeat(0x4000)}\r\n`;
    const chunked = await raw(
      `POST /v1/rekey HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`,
    );

    assert.match(chunked, /^HTTP\/1\.1 413/);
    assert.match(chunked, /BODY_TOO_LARGE/);

    const oversized = await fetch(`${url}/v1/rekey`, { method: "POST", body: "x".repeat(20_000) });
    assert.equal(oversized.status, 413);
    assert.equal(((await oversized.json()) as { code: string }).code, "BODY_TOO_LARGE");

    assert.equal(child.exitCode, null, "the verifier process is still running");
    assert.equal((await fetch(`${url}/health`)).status, 200);
    assert.equal(
      (await fetch(`${url}/v1/rekey`, { method: "POST", body: JSON.stringify(valid) })).status,
      200,
    );
  });
});
