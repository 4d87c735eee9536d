import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { MAX_HEADER_SIZE, MAX_STANZAS, writeHeader } from "@superdist/package";
import {
  createVerifierApp,
  encodeBase64,
  rekeyDeadline,
  startVerifier,
  type VerifierApp,
  type VerifierConfig,
} from "@superdist/verifier";
import { pino } from "pino";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type AgeKeyPair, ageKeyPair } from "../../scripts/stack/market.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { postRekey } from "./fixtures.ts";

// Everything here is decided before the verifier reads the chain, so no chain runs: the RPC refuses connections.
const chainId = 31337;
const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const unlimited = { capacity: 1_000_000, refillPerSecond: 1_000_000 };

let verifierKey: AgeKeyPair;
let holder: AgeKeyPair;
let rpcUrl: string;

beforeAll(async () => {
  verifierKey = await ageKeyPair();
  holder = await ageKeyPair();
  rpcUrl = `http://127.0.0.1:${await freePort()}`;
});

function verifierWith(overrides: Partial<VerifierConfig> = {}): Promise<VerifierApp> {
  return createVerifierApp({
    rpcUrl,
    chainId,
    market,
    identities: [verifierKey.identity],
    logger: pino({ level: "silent" }),
    rateLimits: { perIp: unlimited, perToken: unlimited },
    ...overrides,
  });
}

/** A body that passes every check up to the header itself; its signature is never reached. */
function bodyWith(header: Uint8Array) {
  return {
    header: encodeBase64(header),
    tokenId: "1",
    recipient: holder.recipient,
    deadline: Number(rekeyDeadline(600)),
    signature: `0x${"11".repeat(65)}`,
  };
}

async function refusal(response: Response): Promise<[number, string]> {
  return [response.status, ((await response.json()) as { code: string }).code];
}

async function packageHeader(): Promise<Uint8Array> {
  return writeHeader({
    fileKey: new Uint8Array(16).fill(7),
    holderRecipients: [holder.recipient],
    verifierRecipient: verifierKey.recipient,
    lineage: { chainId: BigInt(chainId), market, contentId: 1n, holderTokenId: 0n },
  });
}

const zeroShare = "A".repeat(43);
const encoder = new TextEncoder();

describe("header limits", () => {
  test("one byte over the header limit is refused with 413, though its base64 is no longer than the limit's", async () => {
    const verifier = await verifierWith();
    const limit = 8 * 1024;
    // ceil(limit / 3) * 4 base64 characters hold up to limit + 2 bytes.
    assert.equal(encodeBase64(new Uint8Array(limit + 1)).length, Math.ceil(limit / 3) * 4);
    const over = await postRekey(verifier.app, bodyWith(new Uint8Array(limit + 1).fill(0x41)));
    assert.deepEqual(await refusal(over), [413, "HEADER_TOO_LARGE"]);
    const at = await postRekey(verifier.app, bodyWith(new Uint8Array(limit).fill(0x41)));
    assert.deepEqual(await refusal(at), [400, "MALFORMED_HEADER"], "at the limit it is judged as a header");
  });

  test("more stanzas than any package may carry is TOO_MANY_STANZAS, even where the verifier allows more", async () => {
    const stanza = `-> X25519 ${zeroShare}\n${zeroShare}\n`;
    const header = encoder.encode(
      `age-encryption.org/v1\n${stanza.repeat(MAX_STANZAS + 1)}--- ${zeroShare}\n`,
    );
    for (const verifier of [await verifierWith(), await verifierWith({ limits: { maxStanzas: 64 } })]) {
      assert.deepEqual(await refusal(await postRekey(verifier.app, bodyWith(header))), [
        400,
        "TOO_MANY_STANZAS",
      ]);
    }
  });

  test("a header past the package format's size is HEADER_TOO_LARGE, whatever limits the verifier was given", async () => {
    const verifier = await verifierWith({ limits: { maxBodyBytes: 128 * 1024, maxHeaderBytes: 64 * 1024 } });
    const bodyLines = `${"A".repeat(64)}\n`.repeat(Math.ceil(MAX_HEADER_SIZE / 65) + 10);
    const header = encoder.encode(`age-encryption.org/v1\n-> X25519 ${zeroShare}\n${bodyLines}`);
    assert.ok(header.length > MAX_HEADER_SIZE);
    assert.deepEqual(await refusal(await postRekey(verifier.app, bodyWith(header))), [
      413,
      "HEADER_TOO_LARGE",
    ]);
  });

  test("a stanza whose share is a low-order point is a malformed header, not an internal error", async () => {
    const verifier = await verifierWith();
    const text = new TextDecoder().decode(await packageHeader());
    const zeroed = text.replace(/^-> X25519 \S+$/gm, `-> X25519 ${zeroShare}`);
    assert.notEqual(zeroed, text);
    const response = await postRekey(verifier.app, bodyWith(encoder.encode(zeroed)));
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(response.status, 400);
    assert.deepEqual(body, {
      code: "MALFORMED_HEADER",
      message: "A recipient stanza of the header is malformed.",
    });
  });
});

describe("client addresses", () => {
  const fromAddress = (verifier: VerifierApp, forwardedFor?: string) =>
    verifier.app.request("/v1/rekey", {
      method: "POST",
      headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
      body: "{}",
    });
  const oneRequestEach = { perIp: { capacity: 1, refillPerSecond: 0.001 }, perToken: unlimited };

  test("behind a proxy, each client is limited by the last X-Forwarded-For entry, the one the proxy added", async () => {
    const lines: string[] = [];
    const verifier = await verifierWith({
      trustProxy: true,
      rateLimits: oneRequestEach,
      logger: pino({ level: "info" }, { write: (line: string) => lines.push(line) }),
    });
    assert.equal((await fromAddress(verifier, "198.51.100.7, 203.0.113.1")).status, 400);
    assert.equal((await fromAddress(verifier, "203.0.113.2")).status, 400, "another client");
    // What the client wrote in front of the proxy's entry does not make it someone else.
    assert.deepEqual(await refusal(await fromAddress(verifier, "192.0.2.99, 203.0.113.1")), [
      429,
      "RATE_LIMITED",
    ]);
    const ips = lines.map((line) => (JSON.parse(line) as { ip?: string }).ip);
    assert.deepEqual(ips, ["203.0.113.1", "203.0.113.2", "203.0.113.1"]);
  });

  test("not behind a proxy, X-Forwarded-For is ignored, so forging it escapes no limit", async () => {
    const verifier = await verifierWith({ rateLimits: oneRequestEach });
    assert.equal((await fromAddress(verifier, "203.0.113.1")).status, 400);
    assert.deepEqual(await refusal(await fromAddress(verifier, "203.0.113.2")), [429, "RATE_LIMITED"]);
    const trusting = await verifierWith({ trustProxy: true, rateLimits: oneRequestEach });
    assert.equal((await fromAddress(trusting, " , ")).status, 400);
    // An empty entry is no address: such requests share the connection's, as if the header were absent.
    assert.deepEqual(await refusal(await fromAddress(trusting)), [429, "RATE_LIMITED"]);
  });
});

describe("metrics", () => {
  test("unknown routes and methods are counted under bounded labels", async () => {
    const verifier = await verifierWith();
    const response = await verifier.app.request("/wp-admin/x", { method: "PROPFIND" });
    assert.deepEqual(await refusal(response), [404, "NOT_FOUND"]);
    const metrics = await (await verifier.app.request("/metrics")).text();
    assert.match(
      metrics,
      /superdist_verifier_requests_total\{route="unmatched",method="OTHER",code="404"\} 1\n/,
    );
    assert.ok(!metrics.includes("wp-admin") && !metrics.includes("PROPFIND"));
  });
});

describe("a client that breaks off mid-body", () => {
  const lines: string[] = [];
  let started: Awaited<ReturnType<typeof startVerifier>>;
  beforeAll(async () => {
    started = await startVerifier({
      rpcUrl,
      chainId,
      market,
      identities: [verifierKey.identity],
      port: 0,
      rateLimits: { perIp: unlimited, perToken: unlimited },
      logger: pino({ level: "info" }, { write: (line: string) => lines.push(line) }),
    });
  });
  afterAll(async () => started?.close());

  test("is counted as a client disconnect, not as an answer, with or without Content-Length, and logs no error", async () => {
    const framings = [
      'Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n',
      'Content-Length: 100\r\n\r\n{"a":',
      "Content-Length: 100\r\n\r\n",
    ];
    for (const framing of framings) {
      const socket = connect(started.port, "127.0.0.1");
      socket.write(
        `POST /v1/rekey HTTP/1.1\r\nHost: verifier\r\nContent-Type: application/json\r\n${framing}`,
      );
      // Once the server holds the partial body, the client goes away.
      const before = lines.length;
      // Generous, for a loaded machine: the log line ends the wait as soon as it is written.
      for (let i = 0; i < 500 && lines.length === before; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (i === 10) socket.destroy();
      }
    }
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; status?: number });
    assert.deepEqual(
      entries.filter((e) => e.msg === "request"),
      [],
      "nobody was answered",
    );
    const disconnects = entries.filter((e) => e.msg === "client disconnected");
    assert.equal(disconnects.length, framings.length);
    assert.ok(disconnects.every((e) => e.level === 30 && (e as { route?: string }).route === "/v1/rekey"));
    assert.deepEqual(
      entries.filter((e) => e.level >= 50),
      [],
    );
    const metrics = await (await fetch(`${started.url}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`superdist_verifier_client_disconnects_total\\{route="/v1/rekey"\\} ${framings.length}\n`),
    );
    assert.ok(!/route="\/v1\/rekey",method="POST"/.test(metrics), "no status is counted for them");
    assert.ok(!metrics.includes('code="500"'));
    assert.ok(!metrics.includes("rejections_total{"), "nor a refusal");
  });
});

describe("a client that hangs up while its request is checked", () => {
  const lines: string[] = [];
  // An RPC that accepts connections and never answers, so the chain read is still pending when the client leaves.
  const silent = createServer(() => {});
  let started: Awaited<ReturnType<typeof startVerifier>>;
  beforeAll(async () => {
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    started = await startVerifier({
      rpcUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      chainId,
      market,
      identities: [verifierKey.identity],
      port: 0,
      rpcTimeoutMs: 1000,
      rateLimits: { perIp: unlimited, perToken: unlimited },
      logger: pino({ level: "info" }, { write: (line: string) => lines.push(line) }),
    });
  });
  afterAll(async () => {
    await started?.close();
    silent.closeAllConnections();
    silent.close();
  });

  test("is a client disconnect, not the 503 its request would have had", async () => {
    const body = JSON.stringify(bodyWith(await packageHeader()));
    const socket = connect(started.port, "127.0.0.1");
    socket.write(
      `POST /v1/rekey HTTP/1.1\r\nHost: verifier\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const disconnected = () => lines.some((line) => line.includes('"msg":"client disconnected"'));
    for (let i = 0; i < 200 && !disconnected(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(disconnected(), "logged as a disconnect");
    const metrics = await (await fetch(`${started.url}/metrics`)).text();
    assert.match(metrics, /superdist_verifier_client_disconnects_total\{route="\/v1\/rekey"\} 1\n/);
    assert.ok(!metrics.includes('route="/v1/rekey",method="POST"'), "no status is counted for it");
    assert.ok(!metrics.includes("CHAIN_UNAVAILABLE"));
  });
});
