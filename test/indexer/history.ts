/**
 * A scripted market history on a real local chain, and the comparison of an index with what the chain says.
 * The history covers every event the indexer reads: publishing, purchases through lineages in ETH and in DUSD,
 * a protocol fee, transfers, claims (own and on behalf), reprices into another currency, schedule, payout,
 * metadata, pause and publisher changes.
 */
import {
  demoTokenAbi,
  ETH,
  getAccountActivity as getAccountActivityFromLogs,
  getOwnedLicenses,
  superdistMarketAbi,
} from "@superdist/contracts";
import {
  getAccountActivity,
  getAccountLicenses,
  getCatalog,
  getContentSales,
  getDescendants,
  type IndexerClient,
} from "@superdist/indexer/client";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  type PrivateKeyAccount,
  type PublicClient,
  parseEventLogs,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { expect } from "vitest";
import type { LocalChain } from "../../scripts/stack/chain.ts";

export type Market = {
  chain: LocalChain;
  publicClient: PublicClient;
  accounts: PrivateKeyAccount[];
  send(
    account: PrivateKeyAccount,
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ): Promise<bigint>;
  approveDusd(account: PrivateKeyAccount, amount: bigint): Promise<void>;
  publish(
    publisher: PrivateKeyAccount,
    terms: { price: bigint; currency: Address; rewardBps: number[]; title: string },
  ): Promise<bigint>;
  buy(buyer: PrivateKeyAccount, contentId: bigint, referrer?: bigint, recipient?: Address): Promise<bigint>;
  /** Sends market calls from the node's unlocked accounts with automine off, then mines them as one block. */
  inOneBlock(
    calls: { from: PrivateKeyAccount; functionName: string; args: readonly unknown[]; value?: bigint }[],
  ): Promise<bigint>;
};

export function marketOn(chain: LocalChain): Market {
  const transport = http(chain.rpcUrl);
  const publicClient = createPublicClient({ chain: hardhat, transport }) as PublicClient;
  const accounts = chain.privateKeys.map((key: Hex) => privateKeyToAccount(key));
  const write = async (
    account: PrivateKeyAccount,
    address: Address,
    abi: typeof superdistMarketAbi | typeof demoTokenAbi,
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ) => {
    const wallet = createWalletClient({ account, chain: hardhat, transport });
    const hash = await wallet.writeContract({ address, abi, functionName, args, value } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${functionName} reverted`);
    return receipt;
  };
  const market: Market = {
    chain,
    publicClient,
    accounts,
    async send(account, functionName, args, value) {
      const receipt = await write(account, chain.market, superdistMarketAbi, functionName, args, value);
      return receipt.blockNumber;
    },
    async approveDusd(account, amount) {
      await write(accounts[0] as PrivateKeyAccount, chain.demoToken, demoTokenAbi, "mint", [
        account.address,
        amount,
      ]);
      await write(account, chain.demoToken, demoTokenAbi, "approve", [chain.market, amount]);
    },
    async publish(publisher, terms) {
      const receipt = await write(publisher, chain.market, superdistMarketAbi, "publish", [
        {
          price: terms.price,
          currency: terms.currency,
          rewardBps: terms.rewardBps,
          payout: publisher.address,
          royaltyBps: 250,
          transferable: true,
          keyCommitment: `0x${"ab".repeat(32)}`,
          verifierRecipient: "age1verifier",
          title: terms.title,
          metadataURI: `data:application/json;base64,${btoa(JSON.stringify({ name: terms.title }))}`,
        },
      ]);
      const [event] = parseEventLogs({
        abi: superdistMarketAbi,
        eventName: "ContentPublished",
        logs: receipt.logs,
      });
      if (!event) throw new Error("no ContentPublished");
      return event.args.contentId;
    },
    async buy(buyer, contentId, referrer = 0n, recipient = buyer.address) {
      const content = await publicClient.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "content",
        args: [contentId],
      });
      const value = content.currency === ETH ? content.price : 0n;
      const receipt = await write(
        buyer,
        chain.market,
        superdistMarketAbi,
        "purchase",
        [contentId, referrer, recipient, content.currency, content.price],
        value,
      );
      const [event] = parseEventLogs({
        abi: superdistMarketAbi,
        eventName: "LicensePurchased",
        logs: receipt.logs,
      });
      if (!event) throw new Error("no LicensePurchased");
      return event.args.tokenId;
    },
    async inOneBlock(calls) {
      await publicClient.request({ method: "evm_setAutomine", params: [false] } as never);
      try {
        for (const call of calls) {
          await publicClient.request({
            method: "eth_sendTransaction",
            params: [
              {
                from: call.from.address,
                to: chain.market,
                data: encodeFunctionData({
                  abi: superdistMarketAbi,
                  functionName: call.functionName,
                  args: call.args,
                } as never),
                value: toHex(call.value ?? 0n),
                gas: toHex(500_000n),
              },
            ],
          } as never);
        }
        await publicClient.request({ method: "evm_mine", params: [] } as never);
      } finally {
        await publicClient.request({ method: "evm_setAutomine", params: [true] } as never);
      }
      const block = await publicClient.getBlock({ blockTag: "latest" });
      if (block.transactions.length !== calls.length) throw new Error("the block lacks some of the calls");
      for (const hash of block.transactions) {
        const receipt = await publicClient.getTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`a call of the block reverted`);
      }
      return block.number;
    },
  };
  return market;
}

/** Runs the history; returns the last block it wrote. */
export async function scriptHistory(market: Market): Promise<bigint> {
  const [owner, publisher, a, b, c, d, e, f, g, treasury] = market.accounts as PrivateKeyAccount[] &
    PrivateKeyAccount[];
  const dusd = market.chain.demoToken;
  for (const buyer of [a, b, c, d, e, f, g]) await market.approveDusd(buyer, 10n ** 24n);

  const film = await market.publish(publisher, {
    price: 1_000_000n,
    currency: ETH,
    rewardBps: [1000, 500, 250],
    title: "Film",
  });
  const album = await market.publish(publisher, {
    price: 5_000_000n,
    currency: dusd,
    rewardBps: [2000],
    title: "Album",
  });
  const book = await market.publish(b, { price: 0n, currency: ETH, rewardBps: [], title: "Free book" });
  const shorts: bigint[] = [];
  for (let i = 0; i < 22; i++) {
    shorts.push(await market.publish(d, { price: 3n, currency: ETH, rewardBps: [500], title: `Short ${i}` }));
  }

  // A lineage five deep in the film, one sale bought for someone else, one through one's own copy.
  const t1 = await market.buy(a, film);
  const t2 = await market.buy(b, film, t1);
  const t3 = await market.buy(c, film, t2);
  const t4 = await market.buy(d, film, t3);
  await market.buy(e, film, t4);
  await market.buy(f, film, t2, g.address);
  await market.buy(a, film, t2);
  // A second root in the film, and the album in DUSD.
  const t8 = await market.buy(c, film);
  const a1 = await market.buy(a, album);
  const a2 = await market.buy(b, album, a1);
  await market.buy(c, album, a2);
  await market.buy(d, book);

  // A protocol fee from now on, credited to the treasury.
  await market.send(owner, "setProtocolFee", [treasury.address, 100]);
  await market.buy(e, film, t3);
  await market.buy(f, album, a1);

  // The license b bought through t1 changes hands: its later descendants pay g.
  await market.send(b, "transferFrom", [b.address, g.address, t2]);
  await market.buy(d, film, t2);

  // Claims, own and on someone's behalf (which the account must allow).
  await market.send(a, "claim", [[ETH, dusd], a.address]);
  await market.send(g, "setClaimForAllowed", [true]);
  await market.send(c, "claimFor", [g.address, [ETH]]);

  // The publisher reprices the film into DUSD and changes everything else a publisher can.
  await market.send(publisher, "setPrice", [film, dusd, 2_000_000n]);
  await market.send(publisher, "setRewardSchedule", [film, [3000, 1000]]);
  await market.send(publisher, "setPayout", [film, e.address]);
  await market.send(publisher, "setMetadataURI", [album, "ipfs://album-v2"]);
  await market.send(publisher, "setContentPaused", [album, true]);
  await market.send(publisher, "setContentPaused", [album, false]);
  await market.send(publisher, "transferPublisher", [album, c.address]);
  await market.buy(g, film, t8);
  await market.buy(b, film, t4);
  await market.send(c, "setContentPaused", [album, true]);

  // One block that sells each short once. Ponder writes more than 20 updated rows of a table in bulk, through a
  // temporary table of the same name that it keeps in its session; on PGlite the client's SQL runs in that
  // session, so reading the tables by name (not through the views) would find them empty from here on.
  return market.inOneBlock(
    shorts.map((contentId, i) => ({
      from: [a, b, c, e, f, g][i % 6] as PrivateKeyAccount,
      functionName: "purchase",
      args: [contentId, 0n, [a, b, c, e, f, g][i % 6]?.address, ETH, 3n],
      value: 3n,
    })),
  );
}

type ChainLicense = {
  tokenId: bigint;
  owner: Address;
  contentId: bigint;
  parent: bigint;
  generation: bigint;
};

async function readChain(market: Market) {
  const base = { address: market.chain.market, abi: superdistMarketAbi } as const;
  const client = market.publicClient;
  const [contentCount, totalSupply] = await Promise.all([
    client.readContract({ ...base, functionName: "contentCount" }),
    client.readContract({ ...base, functionName: "totalSupply" }),
  ]);
  const contents = await Promise.all(
    Array.from({ length: Number(contentCount) }, (_, i) =>
      client.readContract({ ...base, functionName: "content", args: [BigInt(i + 1)] }),
    ),
  );
  const licenses: ChainLicense[] = await Promise.all(
    Array.from({ length: Number(totalSupply) }, async (_, i) => ({
      tokenId: BigInt(i + 1),
      ...(await client.readContract({ ...base, functionName: "license", args: [BigInt(i + 1)] })),
    })),
  );
  const purchases = await client.getContractEvents({
    ...base,
    eventName: "LicensePurchased",
    fromBlock: BigInt(market.chain.deployBlock),
    strict: true,
  });
  return { contents, licenses, purchases };
}

/** Every account the history touched, and the treasury. */
function accountsOf(market: Market): Address[] {
  return market.accounts.map((account) => account.address);
}

/** Asserts that every row the client returns equals what the chain says, read directly. */
export async function expectIndexEqualsChain(
  indexer: IndexerClient,
  market: Market,
): Promise<{ licenses: number; credits: number; claims: number }> {
  const chain = await readChain(market);
  let credits = 0;
  let claims = 0;

  // The catalog: terms as `content()` returns them, sales counted from the chain's records.
  const catalog = await getCatalog(indexer);
  expect(catalog.map((entry) => entry.contentId)).toEqual(
    chain.contents.map((_, i) => BigInt(i + 1)).reverse(),
  );
  for (const entry of catalog) {
    const onChain = chain.contents[Number(entry.contentId) - 1];
    expect(entry.content).toEqual({ ...onChain, rewardBps: [...(onChain?.rewardBps ?? [])] });
    const sold = chain.licenses.filter((l) => l.contentId === entry.contentId);
    expect(entry.sold).toBe(sold.length);
    const sales = new Map<Address, { count: number; revenue: bigint }>();
    for (const p of chain.purchases.filter((p) => p.args.contentId === entry.contentId)) {
      const sale = sales.get(p.args.currency) ?? { count: 0, revenue: 0n };
      sales.set(p.args.currency, { count: sale.count + 1, revenue: sale.revenue + p.args.price });
    }
    expect(new Map(entry.sales.map((s) => [s.currency, { count: s.count, revenue: s.revenue }]))).toEqual(
      sales,
    );

    const {
      entry: same,
      holders,
      holderCount,
      licenses,
    } = await getContentSales(indexer, {
      contentId: entry.contentId,
    });
    expect(same).toEqual(entry);
    const owned = new Map<Address, number>();
    for (const l of sold) owned.set(l.owner, (owned.get(l.owner) ?? 0) + 1);
    expect(holderCount).toBe(owned.size);
    expect(new Map(holders.map((h) => [h.account, h.licenses]))).toEqual(owned);
    expect(licenses.map((l) => l.tokenId)).toEqual(sold.map((l) => l.tokenId).reverse());
  }

  // Every license's lineage record, and every token's descendants.
  for (const license of chain.licenses) {
    const below = (tokenId: bigint): ChainLicense[] =>
      chain.licenses.filter((l) => l.parent === tokenId).flatMap((l) => [l, ...below(l.tokenId)]);
    const descendants = await getDescendants(indexer, { tokenId: license.tokenId });
    expect(new Set(descendants.map((d) => d.tokenId))).toEqual(
      new Set(below(license.tokenId).map((l) => l.tokenId)),
    );
    for (const d of descendants) {
      const record = chain.licenses[Number(d.tokenId) - 1];
      expect({ ...d, depth: undefined }).toEqual({ ...record, contentId: undefined, depth: undefined });
      expect(record?.contentId).toBe(license.contentId);
      expect(d.depth).toBe(Number((record?.generation ?? 0n) - license.generation));
    }
  }

  // Per account: licenses, balances, credits, claims and trees, against the chain's reads and the log scan.
  for (const account of accountsOf(market)) {
    const fromLogs = await getAccountActivityFromLogs(market.publicClient, {
      market: market.chain.market,
      account,
      fromBlock: BigInt(market.chain.deployBlock),
    });
    const owned = await getOwnedLicenses(market.publicClient, {
      market: market.chain.market,
      account,
      fromBlock: BigInt(market.chain.deployBlock),
    });
    // The log scan lists licenses in the order they were received, the index by token id.
    const byToken = <T extends { tokenId: bigint }>(list: T[]) =>
      [...list].sort((x, y) => (x.tokenId < y.tokenId ? -1 : 1));
    const licenses = await getAccountLicenses(indexer, { account });
    expect(
      licenses.map(({ tokenId, contentId, parent, generation }) => ({
        tokenId,
        contentId,
        parent,
        generation,
      })),
    ).toEqual(byToken(owned));

    const activity = await getAccountActivity(indexer, { account });
    const claimable = await Promise.all(
      activity.claimable.map(({ currency }) =>
        market.publicClient.readContract({
          address: market.chain.market,
          abi: superdistMarketAbi,
          functionName: "claimable",
          args: [account, currency],
        }),
      ),
    );
    expect(activity.claimable.map((c) => c.amount)).toEqual(claimable);
    expect(activity.claimable).toEqual(fromLogs.claimable);
    expect(activity.credits.map(({ logIndex, timestamp, ...credit }) => credit)).toEqual(fromLogs.credits);
    expect(activity.claims.map(({ logIndex, timestamp, ...claim }) => claim)).toEqual(fromLogs.claims);
    for (const event of [...activity.credits, ...activity.claims]) {
      const block = await market.publicClient.getBlock({ blockNumber: event.blockNumber });
      expect(event.timestamp).toBe(block.timestamp);
      expect(block.transactions).toContain(event.transactionHash);
    }
    // The log scan names who received each license; the index, who owns it now.
    type Node = (typeof activity.licenses)[number];
    const withOwnersNow = (node: Node): Node => ({
      ...node,
      owner: chain.licenses[Number(node.tokenId) - 1]?.owner as Address,
      children: node.children.map(withOwnersNow),
    });
    expect(activity.licenses).toEqual(byToken(fromLogs.licenses.map(withOwnersNow)));
    credits += activity.credits.length;
    claims += activity.claims.length;
  }
  return { licenses: chain.licenses.length, credits, claims };
}
