/**
 * Money is never taken without the copy it buys: on a real Hardhat node and real verifiers, the CLI refuses a
 * second license, refuses to sell while the verifier is down, tells a buyer who paid while it went down exactly
 * how to finish, and waits for the verifier's confirmation depth on a chain that mines every second.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity } from "@superdist/package";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import { type Address, createPublicClient, http, type PublicClient, parseEventLogs } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { runCli } from "./harness.ts";

const exec = promisify(execFile);

describe("paying from the CLI", () => {
  let chain: LocalChain;
  let client: PublicClient;
  let verifierIdentity: string;
  let verifier: StartedVerifier;
  let dir: string;
  let plaintext: Buffer;
  const roles = { publisher: 1, A: 2, B: 3, C: 4, D: 5 } as const;
  type Role = keyof typeof roles;
  const address = (role: Role): Address => privateKeyToAccount(chain.privateKeys[roles[role]]).address;

  const startOurVerifier = (options: { port?: number; confirmations?: number } = {}) =>
    startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [verifierIdentity],
      port: options.port ?? 0,
      confirmations: options.confirmations,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
  const cli = (role: Role, args: string[], verifierUrl = verifier.url) =>
    runCli(
      [
        ...args,
        "--rpc",
        chain.rpcUrl,
        "--market",
        chain.market,
        "--verifier",
        verifierUrl,
        "--dapp",
        "http://127.0.0.1:3000",
        "--identity",
        "identity.txt",
      ],
      { cwd: join(dir, role), env: { SUPERDIST_PRIVATE_KEY: chain.privateKeys[roles[role]] } },
    );
  const json = async (role: Role, args: string[]) => {
    const result = await cli(role, [...args, "--json", "--yes"]);
    assert.equal(result.code, 0, `superdist ${args.join(" ")} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const licensesOf = async (role: Role) =>
    client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "balanceOf",
      args: [address(role)],
    });
  /** A copy of the publisher's package in `role`'s folder, as a friend would pass it on. */
  const handTo = async (role: Role, name: string, from: string) => {
    const path = join(dir, role, name);
    await copyFile(from, path);
    return path;
  };

  beforeAll(async () => {
    chain = await startLocalChain();
    client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    verifierIdentity = await generateX25519Identity();
    verifier = await startOurVerifier();
    dir = await mkdtemp(join(tmpdir(), "superdist-cli-paid-"));
    for (const role of Object.keys(roles) as Role[]) {
      await mkdir(join(dir, role));
      await json(role, ["keygen"]);
    }
    plaintext = randomBytes(100_000);
  });

  afterAll(async () => {
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const publish = async (name: string) => {
    await writeFile(join(dir, "publisher", name), plaintext);
    const out = await json("publisher", [
      "publish",
      name,
      "--price",
      "0.01",
      "--rewards",
      "10",
      "--title",
      name,
    ]);
    return out.output as string;
  };

  test("an owner is offered the free re-key, and buy refuses a second license unless --again", async () => {
    const publisherCopy = await publish("owned.bin");
    const first = await json("A", ["buy", await handTo("A", "owned.bin.superdist", publisherCopy)]);
    const friendsCopy = await handTo("A", "friend.superdist", publisherCopy);

    const opened = await cli("A", ["open", friendsCopy, "--json"]);
    assert.equal(opened.code, 3);
    assert.deepEqual(JSON.parse(opened.stdout), {
      licensed: false,
      ownedTokenId: first.tokenId,
      command: `superdist rekey ${friendsCopy}`,
    });
    const words = await cli("A", ["open", friendsCopy]);
    assert.match(
      words.stderr,
      new RegExp(`You already own license #${first.tokenId} .*one signature, for free`, "s"),
    );

    const balance = await client.getBalance({ address: address("A") });
    const refused = await cli("A", ["buy", friendsCopy, "--yes", "--json"]);
    assert.equal(refused.code, 1);
    const answer = JSON.parse(refused.stdout);
    assert.equal(answer.error.code, "ALREADY_OWNED");
    assert.equal(answer.tokenId, first.tokenId);
    assert.equal(await client.getBalance({ address: address("A") }), balance, "nothing was paid");

    const rekeyed = await json("A", ["rekey", friendsCopy, "-o", join(dir, "A", "friend.mine.superdist")]);
    assert.equal(rekeyed.tokenId, first.tokenId);
    assert.equal(
      (await json("A", ["open", rekeyed.output, "-o", join(dir, "A", "friend.out")])).licensed,
      true,
    );

    const again = await json("A", ["buy", friendsCopy, "--again"]);
    assert.notEqual(again.tokenId, first.tokenId);
    assert.equal(await licensesOf("A"), 2n);

    // The same license, from another device: worded as the holder's own copy.
    await rm(join(dir, "A", "identity.txt"));
    await json("A", ["keygen"]);
    const otherDevice = await cli("A", ["open", again.output]);
    assert.equal(otherDevice.code, 3);
    assert.match(
      otherDevice.stderr,
      new RegExp(`This is your copy \\(license #${again.tokenId}\\) from another device`),
    );
  });

  test("with the verifier down before buying, the sale is refused in words and nothing is paid", async () => {
    const copy = await handTo("B", "down.superdist", await publish("down.bin"));
    const down = await startOurVerifier();
    const url = down.url;
    await down.close();
    const balance = await client.getBalance({ address: address("B") });
    const refused = await cli("B", ["buy", copy, "--yes"], url);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /verifier .* cannot be reached right now, so nothing is sold/);
    assert.equal(await client.getBalance({ address: address("B") }), balance);
    assert.equal(await licensesOf("B"), 0n);
  });

  test("a verifier stopped between payment and re-key: exit 5, the token and the exact command that finishes it", async () => {
    const copy = await handTo("C", "outage.superdist", await publish("outage.bin"));
    // At two confirmations the CLI waits after paying, which is when this verifier goes away.
    const deep = await startOurVerifier({ confirmations: 2 });
    const { port, url } = deep;
    const purchased = new Promise<void>((resolve) => {
      const unwatch = client.watchContractEvent({
        address: chain.market,
        abi: superdistMarketAbi,
        eventName: "LicensePurchased",
        pollingInterval: 100,
        onLogs: async () => {
          unwatch();
          await deep.close();
          await client.request({ method: "hardhat_mine" as never, params: ["0x3"] as never });
          resolve();
        },
      });
    });
    const bought = await cli("C", ["buy", copy, "--yes", "--json"], url);
    await purchased;
    assert.equal(bought.code, 5, bought.stderr);
    const answer = JSON.parse(bought.stdout);
    assert.equal(answer.error.code, "PAID_NOT_REKEYED");
    assert.equal(answer.command, `superdist rekey --token ${answer.tokenId} ${copy}`);
    const receipt = await client.getTransactionReceipt({ hash: answer.transactionHash });
    const [event] = parseEventLogs({
      abi: superdistMarketAbi,
      logs: receipt.logs,
      eventName: "LicensePurchased",
    });
    assert.equal(event?.args.tokenId, BigInt(answer.tokenId));
    assert.match(bought.stderr, /is paid for and yours .* Finish with: superdist rekey --token/);

    const back = await startOurVerifier({ port, confirmations: 2 });
    try {
      const [, , token, tokenId, file] = answer.command.split(" ");
      assert.equal(token, "--token");
      const finished = await cli("C", ["rekey", "--token", tokenId, file, "--json"], back.url);
      assert.equal(finished.code, 0, finished.stderr);
      const output = JSON.parse(finished.stdout).output;
      const { stdout } = await exec("age", ["-d", "-i", join(dir, "C", "identity.txt"), output], {
        encoding: "buffer",
        maxBuffer: 1 << 24,
      });
      assert.deepEqual(stdout, plaintext);
    } finally {
      await back.close();
    }
  });

  test("on a chain that mines every second, buy waits for the verifier's two confirmations, then opens", async () => {
    const copy = await handTo("D", "slow.superdist", await publish("slow.bin"));
    const deep = await startOurVerifier({ confirmations: 2 });
    await client.request({ method: "evm_setAutomine" as never, params: [false] as never });
    await client.request({ method: "evm_setIntervalMining" as never, params: [1000] as never });
    try {
      const bought = await cli("D", ["buy", copy, "--yes"], deep.url);
      assert.equal(bought.code, 0, bought.stderr);
      assert.match(bought.stderr, /Waiting for [01] of 2 confirmations/);
      const output = bought.stdout.trim().split(" → ").at(-1) as string;
      const opened = await cli("D", ["open", output, "-o", join(dir, "D", "slow.out")], deep.url);
      assert.equal(opened.code, 0, opened.stderr);
      assert.deepEqual(await readFile(join(dir, "D", "slow.out")), plaintext);
    } finally {
      await client.request({ method: "evm_setIntervalMining" as never, params: [0] as never });
      await client.request({ method: "evm_setAutomine" as never, params: [true] as never });
      await deep.close();
    }
  });
});
