/**
 * The demo catalog: the publisher publishes three contents with the real CLI, and A, B and C pass copies along
 * and buy through each other, so that the catalog, the referral trees and the rewards are not empty.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable, Writable } from "node:stream";
import { demoTokenAbi } from "@superdist/contracts";
import { type Address, createPublicClient, createWalletClient, type Hex, http, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { main } from "../../packages/cli/src/main.ts";
import { writeDemoFiles } from "./demo-content.ts";

/** A stream that keeps what is written to it. */
class Collected extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

export const ROLES = ["publisher", "A", "B", "C"] as const;
export type Role = (typeof ROLES)[number];

export type SeedParameters = {
  root: string;
  dir: string;
  rpcUrl: string;
  verifierUrl: string;
  dappUrl: string;
  /** The tracker, and the web seed (`superdist share`) the publisher's copies will be served from. */
  trackerUrl: string;
  shareUrl: string;
  market: Address;
  demoToken: Address;
  /** Account 0 deploys and mints; the roles take the next four. */
  privateKeys: Hex[];
  log(line: string): void;
};

export type SeedResult = {
  accounts: Record<Role, { address: Address; privateKey: Hex; identityFile: string; dir: string }>;
  contents: { contentId: bigint; title: string; currency: string }[];
  packages: string[];
  /** The publisher's copy of each content, in catalog order: what the web seed serves. */
  publisherCopies: string[];
};

export async function seedDemo(p: SeedParameters): Promise<SeedResult> {
  const accounts = {} as SeedResult["accounts"];
  for (const [i, role] of ROLES.entries()) {
    const dir = join(p.dir, role);
    await mkdir(dir, { recursive: true });
    const privateKey = p.privateKeys[i + 1];
    await writeFile(join(dir, "wallet.key"), `${privateKey}\n`, { mode: 0o600 });
    accounts[role] = {
      address: privateKeyToAccount(privateKey).address,
      privateKey,
      identityFile: join(dir, "identity.txt"),
      dir,
    };
  }

  // The CLI as a user runs it, in this process: its commands take a second each less than as new processes.
  const run = async (role: Role, args: string[]) => {
    const stdout = new Collected();
    const stderr = new Collected();
    const argv = [
      ...args,
      "--json",
      "--yes",
      "--rpc",
      p.rpcUrl,
      "--market",
      p.market,
      "--verifier",
      p.verifierUrl,
      "--dapp",
      p.dappUrl,
      "--identity",
      accounts[role].identityFile,
      "--key-file",
      join(accounts[role].dir, "wallet.key"),
    ];
    const code = await main(argv, {
      stdout,
      stderr,
      stdin: Readable.from([]),
      cwd: p.root,
      env: process.env,
    });
    if (code !== 0) throw new Error(`superdist ${args[0]} (${role}) exited ${code}: ${stderr.text()}`);
    return JSON.parse(stdout.text());
  };

  await Promise.all(ROLES.map((role) => run(role, ["keygen", "--force"])));

  const minter = createWalletClient({
    account: privateKeyToAccount(p.privateKeys[0]),
    chain: { ...hardhat, rpcUrls: { default: { http: [p.rpcUrl] } } },
    transport: http(p.rpcUrl),
  });
  const publicClient = createPublicClient({ transport: http(p.rpcUrl), pollingInterval: 100 });
  for (const role of ROLES) {
    const hash = await minter.writeContract({
      address: p.demoToken,
      abi: demoTokenAbi,
      functionName: "mint",
      args: [accounts[role].address, parseUnits("1000", 18)],
    });
    await publicClient.waitForTransactionReceipt({ hash });
  }
  p.log("minted 1000 DUSD to each demo account");

  const files = await writeDemoFiles(accounts.publisher.dir);
  const catalog = [
    { file: files.picture, price: "0.01", currency: "ETH", rewards: "10,5,2" },
    { file: files.sound, price: "5", currency: p.demoToken, rewards: "20,10" },
    { file: files.text, price: "0.002", currency: "ETH", rewards: "15,7.5,3,1.5" },
  ];
  const contents: SeedResult["contents"] = [];
  const packages: string[] = [];
  const published: string[] = [];
  for (const item of catalog) {
    const result = await run("publisher", [
      "publish",
      item.file.path,
      "--title",
      item.file.title,
      "--description",
      item.file.description,
      "--cover",
      item.file.cover,
      "--price",
      item.price,
      "--currency",
      item.currency,
      "--rewards",
      item.rewards,
      "--royalty",
      "5",
      // The metadata names where the publisher's copy is served, so a buyer needs no copy in hand.
      "--web-seed",
      `${p.shareUrl}/`,
      "--tracker",
      p.trackerUrl,
    ]);
    contents.push({
      contentId: BigInt(result.contentId),
      title: item.file.title,
      currency: item.currency === "ETH" ? "ETH" : "DUSD",
    });
    published.push(result.output);
    packages.push(result.output);
    p.log(`published #${result.contentId} "${item.file.title}" (${item.price} ${contents.at(-1)?.currency})`);
  }

  /** `to` receives `from`'s copy (any way files travel) and buys a license through it. */
  const passAndBuy = async (copy: string, to: Role) => {
    const received = join(accounts[to].dir, basename(copy));
    await copyFile(copy, received);
    const result = await run(to, ["buy", received]);
    packages.push(result.output);
    p.log(`${to} bought license #${result.tokenId} through ${basename(copy)}`);
    return result.output as string;
  };
  const [picture, sound, text] = published;
  // One after another, so that the demo's license numbers are the same on every start.
  const pictureA = await passAndBuy(picture, "A");
  const pictureB = await passAndBuy(pictureA, "B");
  await passAndBuy(pictureB, "C");
  const soundA = await passAndBuy(sound, "A");
  await passAndBuy(soundA, "B");
  await passAndBuy(text, "A");

  return { accounts, contents, packages, publisherCopies: published };
}
