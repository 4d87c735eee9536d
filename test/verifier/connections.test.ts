import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { type StartedVerifier, startVerifier, type VerifierConfig } from "@superdist/verifier";
import { pino } from "pino";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type AgeKeyPair, ageKeyPair } from "../../scripts/stack/market.ts";
import { freePort } from "../../scripts/stack/ports.ts";

// Nothing here reaches the chain: the RPC refuses connections, and the server's own limits do the work.
const chainId = 31337;
const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
// How long a test waits for the server to act: well past the documented limits (5 s for headers, 10 s for a whole
// request), and short of the 30 s after which Node would check them by default.
const patienceMs = 25_000;

// The tests close their sockets only when they are done, so a socket that closes before was closed by the server.
type WatchedSocket = { socket: Socket; received: string; open: boolean };

let verifierKey: AgeKeyPair;
let rpcUrl: string;

beforeAll(async () => {
  verifierKey = await ageKeyPair();
  rpcUrl = `http://127.0.0.1:${await freePort()}`;
});

function start(overrides: Partial<VerifierConfig> = {}): Promise<StartedVerifier> {
  return startVerifier({
    rpcUrl,
    chainId,
    market,
    identities: [verifierKey.identity],
    port: 0,
    logger: pino({ level: "silent" }),
    ...overrides,
  });
}

/** Opens a connection and records what the server does with it; the test itself never closes it. */
async function open(port: number, localAddress = "127.0.0.1"): Promise<WatchedSocket> {
  const socket = connect({ port, host: "127.0.0.1", localAddress });
  const watched: WatchedSocket = { socket, received: "", open: true };
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    watched.received += chunk;
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    watched.open = false;
  });
  await new Promise<void>((resolve) => {
    socket.once("connect", () => resolve());
    socket.once("close", () => resolve());
  });
  return watched;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + patienceMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes `text` a few bytes at a time, as long as the socket stays open. */
function trickle(watched: WatchedSocket, text: string): void {
  let offset = 0;
  const timer = setInterval(() => {
    if (!watched.open || offset >= text.length) {
      clearInterval(timer);
      return;
    }
    watched.socket.write(text.slice(offset, offset + 2));
    offset += 2;
  }, 200);
}

describe("slow and idle connections", () => {
  let verifier: StartedVerifier;
  const sockets: WatchedSocket[] = [];
  beforeAll(async () => {
    verifier = await start();
  });
  afterAll(async () => {
    for (const watched of sockets) watched.socket.destroy();
    await verifier?.close();
  });

  test.concurrent("headers sent a few bytes at a time are cut off by the server", async () => {
    const watched = await open(verifier.port);
    sockets.push(watched);
    // Long enough to outlast any deadline: a header line every so often, never the blank line that ends them.
    trickle(watched, `GET /health HTTP/1.1\r\nHost: verifier\r\n${"X-Slow: yes\r\n".repeat(1000)}`);
    await until(() => !watched.open, "the server to close a trickling request");
    assert.ok(watched.received === "" || watched.received.startsWith("HTTP/1.1 408"), watched.received);
  });

  test.concurrent("a body sent a few bytes at a time is cut off by the server", async () => {
    const watched = await open(verifier.port);
    sockets.push(watched);
    watched.socket.write(
      "POST /v1/rekey HTTP/1.1\r\nHost: verifier\r\nContent-Type: application/json\r\nContent-Length: 8000\r\n\r\n",
    );
    trickle(watched, `{"header":"${"A".repeat(7000)}`);
    await until(() => !watched.open, "the server to close a trickling body");
    assert.ok(!watched.received.includes("200 OK"), watched.received);
  });

  test.concurrent("a connection that never sends anything is closed by the server", async () => {
    const watched = await open(verifier.port);
    sockets.push(watched);
    await until(() => !watched.open, "the server to close a silent connection");
    assert.ok(watched.received === "" || watched.received.startsWith("HTTP/1.1 408"), watched.received);
  });

  test.concurrent("connections past one address's share are closed at once; another address is still served, and the silent ones go in time", async () => {
    // From an address of their own, so that the other tests' connections do not count against their share.
    const crowd = await Promise.all(Array.from({ length: 100 }, () => open(verifier.port, "127.0.0.3")));
    sockets.push(...crowd);
    // The default share is 64 connections per address.
    await until(
      () => crowd.filter((w) => !w.open).length >= 36,
      "the connections past the share to be closed",
    );
    assert.equal(crowd.filter((w) => w.open).length, 64);
    const response = await new Promise<string>((resolve) => {
      const other = connect({ port: verifier.port, host: "127.0.0.1", localAddress: "127.0.0.2" });
      let text = "";
      other.setEncoding("utf8");
      other.on("data", (chunk: string) => {
        text += chunk;
      });
      other.on("error", () => resolve(text));
      other.on("close", () => resolve(text));
      other.write("GET /v1/recipient HTTP/1.1\r\nHost: verifier\r\nConnection: close\r\n\r\n");
    });
    assert.match(response, /^HTTP\/1\.1 200/);
    assert.ok(response.includes(verifierKey.recipient));
    await until(() => crowd.every((w) => !w.open), "the server to close every silent connection");
  });
});

describe("the connection cap", () => {
  test("behind a proxy, only the total counts: past it new connections are closed at once", async () => {
    const verifier = await start({
      trustProxy: true,
      limits: { maxConnections: 30, maxConnectionsPerIp: 10 },
    });
    const crowd: WatchedSocket[] = [];
    try {
      for (let i = 0; i < 40; i++) crowd.push(await open(verifier.port));
      await until(
        () => crowd.filter((w) => !w.open).length >= 10,
        "the connections past the cap to be closed",
      );
      assert.equal(crowd.filter((w) => w.open).length, 30);
    } finally {
      for (const watched of crowd) watched.socket.destroy();
      await verifier.close();
    }
  });

  test("settings it cannot apply are refused", async () => {
    for (const limits of [{ maxConnections: 0 }, { maxConnectionsPerIp: 1.5 }, { signatureCallGas: -1 }]) {
      await assert.rejects(start({ limits }), { code: "VERIFIER_CONFIG" }, JSON.stringify(limits));
    }
  });
});
