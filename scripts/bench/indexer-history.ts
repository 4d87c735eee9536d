/**
 * The benchmark's market history: contents published and purchases written in batches, from a Hardhat node's
 * unlocked accounts with automine off, so that a hundred thousand sales take minutes rather than hours.
 */
import { demoTokenAbi, ETH, superdistMarketAbi } from "@superdist/contracts";
import {
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  keccak256,
  numberToHex,
  type PublicClient,
  toHex,
} from "viem";
import type { LocalChain } from "../stack/chain.ts";

export type HistoryOptions = {
  purchases: number;
  contents: number;
  /** Deepest generation a lineage reaches. */
  maxDepth: number;
  /** Descendants of the one big lineage root, in content 1. */
  bigTree: number;
  perBlock: number;
  recipients: number;
  /** How many ordinary accounts to hand back for reading their pages. */
  typicalAccounts: number;
  log(message: string): void;
};

export const SCHEDULE = [1000, 800, 600, 400, 300, 200, 100, 100];
export const PRICE = 1_000n;
const GAS_PER_PURCHASE = 450_000n;

/** A seeded generator, so that every run writes the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rpc = <T = unknown>(method: string, params?: unknown[]) => Promise<T>;

export function rpcOf(url: string) {
  let id = 0;
  const call: Rpc = async (method, params = []) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
    });
    const body = (await response.json()) as { result?: never; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as never;
  };
  const batch = async (calls: { method: string; params: unknown[] }[]) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls.map((c) => ({ jsonrpc: "2.0", id: ++id, ...c }))),
    });
    const answers = (await response.json()) as { error?: { message: string } }[];
    const failed = answers.find((a) => a.error);
    if (failed) throw new Error(`batch: ${failed.error?.message}`);
  };
  return { call, batch };
}

type Purchase = { contentId: bigint; referrer: bigint; recipient: Address };

export type History = {
  purchases: number;
  events: number;
  blocks: number;
  seconds: number;
  bigRoot: bigint;
  bigRootOwner: Address;
  typicalAccounts: Address[];
  liveContentIds: bigint[];
};

/** Publishes the contents and writes the purchases, checking after each block that every purchase went through. */
export async function writeHistory(
  chain: LocalChain,
  client: PublicClient,
  options: HistoryOptions,
): Promise<History> {
  const {
    purchases: PURCHASES,
    contents: CONTENTS,
    maxDepth: MAX_DEPTH,
    bigTree: BIG_TREE,
    perBlock: PER_BLOCK,
    log,
  } = options;
  const { call, batch } = rpcOf(chain.rpcUrl);
  const started = performance.now();
  const accounts = await call<Address[]>("eth_accounts");
  const [owner, ...rest] = accounts as [Address, ...Address[]];
  const publishers = rest.slice(0, 4);
  const payers = rest.slice(8, 18);
  const recipients = Array.from({ length: options.recipients }, (_, i) =>
    getAddress(`0x${keccak256(toHex(`superdist bench recipient ${i}`)).slice(-40)}`),
  );
  await call("evm_setBlockGasLimit", [numberToHex(2_000_000_000n)]);
  await call("evm_setAutomine", [false]);
  const mine = async (expected: number) => {
    await call("evm_mine");
    const block = await call<{ transactions: string[]; number: Hex }>("eth_getBlockByNumber", [
      "latest",
      false,
    ]);
    if (block.transactions.length !== expected) {
      throw new Error(
        `block ${Number(block.number)} holds ${block.transactions.length} of ${expected} transactions`,
      );
    }
  };
  const send = (from: Address, to: Address, data: Hex, value = 0n) => ({
    method: "eth_sendTransaction",
    params: [{ from, to, data, value: numberToHex(value), gas: numberToHex(GAS_PER_PURCHASE) }],
  });

  // DUSD for every payer, and the market's allowance.
  const setup = payers.flatMap((payer) => [
    send(
      owner,
      chain.demoToken,
      encodeFunctionData({ abi: demoTokenAbi, functionName: "mint", args: [payer, 10n ** 30n] }),
    ),
    send(
      payer,
      chain.demoToken,
      encodeFunctionData({ abi: demoTokenAbi, functionName: "approve", args: [chain.market, 2n ** 255n] }),
    ),
  ]);
  await batch(setup);
  await mine(setup.length);
  const publishes = Array.from({ length: CONTENTS }, (_, i) =>
    send(
      publishers[i % publishers.length] as Address,
      chain.market,
      encodeFunctionData({
        abi: superdistMarketAbi,
        functionName: "publish",
        args: [
          {
            price: PRICE,
            currency: i % 2 === 0 ? ETH : chain.demoToken,
            rewardBps: SCHEDULE,
            payout: publishers[i % publishers.length] as Address,
            royaltyBps: 0,
            transferable: true,
            keyCommitment: keccak256(toHex(`content ${i + 1}`)),
            verifierRecipient: "age1bench",
            title: `Content ${i + 1}`,
            metadataURI: `data:application/json;base64,${btoa(JSON.stringify({ name: `Content ${i + 1}` }))}`,
          },
        ],
      }),
    ),
  );
  await batch(publishes);
  await mine(publishes.length);

  // The plan: content 1 gets the big tree (one root, every later sale somewhere below it); the others get the
  // rest, each sale a new root one time in twenty, otherwise bought through a random license of its content.
  const next = random(42);
  const byContent = new Map<bigint, { tokenId: bigint; generation: number }[]>();
  const plan: Purchase[] = [];
  let bigLeft = BIG_TREE + 1;
  const bigRootOwner = recipients[0] as Address;
  let bigRoot = 0n;
  for (let i = 0; i < PURCHASES; i++) {
    const left = PURCHASES - i;
    const big = bigLeft > 0 && (bigLeft >= left || next() < bigLeft / left);
    const contentId = big ? 1n : BigInt(2 + Math.floor(next() * (CONTENTS - 1)));
    if (big) bigLeft--;
    const tokens = byContent.get(contentId) ?? [];
    const eligible = tokens.filter((t) => t.generation < MAX_DEPTH);
    const newRoot = tokens.length === 0 || (!big && next() < 0.05) || eligible.length === 0;
    const parent = newRoot ? undefined : eligible[Math.floor(next() * eligible.length)];
    const recipient =
      big && tokens.length === 0
        ? bigRootOwner
        : (recipients[1 + Math.floor(next() * (recipients.length - 1))] as Address);
    const tokenId = BigInt(i + 1);
    if (big && tokens.length === 0) bigRoot = tokenId;
    tokens.push({ tokenId, generation: parent ? parent.generation + 1 : 0 });
    byContent.set(contentId, tokens);
    plan.push({ contentId, referrer: parent?.tokenId ?? 0n, recipient });
  }

  let credits = 0;
  for (const [contentId, tokens] of byContent) {
    for (const t of tokens) credits += Math.min(t.generation, SCHEDULE.length);
    if (contentId === 1n && tokens.length !== BIG_TREE + 1)
      throw new Error("the big tree is not the size planned");
  }

  let blocks = 0;
  for (let from = 0; from < plan.length; from += PER_BLOCK) {
    const slice = plan.slice(from, from + PER_BLOCK);
    // One payer per block: its nonces fix the order, so token ids are the plan's.
    const payer = payers[blocks % payers.length] as Address;
    await batch(
      slice.map((p) =>
        send(
          payer,
          chain.market,
          encodeFunctionData({
            abi: superdistMarketAbi,
            functionName: "purchase",
            args: [
              p.contentId,
              p.referrer,
              p.recipient,
              p.contentId % 2n === 1n ? ETH : chain.demoToken,
              PRICE,
            ],
          }),
          p.contentId % 2n === 1n ? PRICE : 0n,
        ),
      ),
    );
    await mine(slice.length);
    blocks++;
    const supply = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "totalSupply",
    });
    // A reverted purchase would shift every later token id away from the plan.
    if (supply !== BigInt(from + slice.length)) {
      throw new Error(`${from + slice.length - Number(supply)} purchases of block ${blocks} reverted`);
    }
    if (blocks % 20 === 0)
      log(`${from + slice.length} purchases in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await call("evm_setAutomine", [true]);

  const typical = new Set<Address>();
  for (const p of plan)
    if (p.recipient !== bigRootOwner && typical.size < options.typicalAccounts) typical.add(p.recipient);
  return {
    purchases: PURCHASES,
    // Transfer + LicensePurchased per sale, one RewardCredited per paid level; publishing and setup besides.
    events: PURCHASES * 2 + credits + CONTENTS,
    blocks,
    seconds: (performance.now() - started) / 1000,
    bigRoot,
    bigRootOwner,
    typicalAccounts: [...typical],
    liveContentIds: Array.from({ length: CONTENTS - 1 }, (_, i) => BigInt(i + 2)),
  };
}
