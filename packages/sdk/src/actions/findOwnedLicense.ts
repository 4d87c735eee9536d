import { getOwnedLicenses, type OwnedLicense, superdistMarketAbi } from "@superdist/contracts";
import { getAccountLicenses, getIndexStatus, type IndexerClient } from "@superdist/indexer/client";
import type { Address, Client } from "viem";
import { readContract } from "viem/actions";

export type FindOwnedLicenseParameters = {
  market: Address;
  contentId: bigint;
  account: Address;
  /** Where the market's history starts (its deploy block). */
  fromBlock?: bigint;
  /**
   * The market's indexer: it answers up to the block it has indexed and the logs only the blocks after, so that
   * no history is scanned in full. Down, behind by much, or of another chain, it is passed over for the log scan.
   */
  indexer?: IndexerClient;
};

export type FindOwnedLicenseReturnType = OwnedLicense | undefined;

/** The licenses `account` owns now: the index's up to its block, the logs' after it, each owner read on chain. */
async function ownedThroughIndex(
  client: Client,
  indexer: IndexerClient,
  { market, contentId, account }: FindOwnedLicenseParameters,
): Promise<OwnedLicense[] | undefined> {
  const status = await getIndexStatus(indexer, { client, market }).catch(() => undefined);
  if (!status || "error" in status) return undefined;
  let indexed: Awaited<ReturnType<typeof getAccountLicenses>>;
  let recent: OwnedLicense[];
  try {
    [indexed, recent] = await Promise.all([
      getAccountLicenses(indexer, { account, contentId }),
      // Some nodes refuse a range that starts past their head.
      status.indexedBlock >= status.chainBlock
        ? []
        : getOwnedLicenses(client, { market, account, fromBlock: status.indexedBlock + 1n }),
    ]);
  } catch {
    // An index that stops answering between the two questions is passed over like one that was down.
    return undefined;
  }
  // The index may trail a transfer away: each of its answers is checked against the chain now.
  const stillOwned = await Promise.all(
    indexed.map(async (license) => {
      const record = await readContract(client, {
        address: market,
        abi: superdistMarketAbi,
        functionName: "license",
        args: [license.tokenId],
      });
      return record.owner.toLowerCase() === account.toLowerCase();
    }),
  );
  const byToken = new Map<bigint, OwnedLicense>();
  indexed.forEach(({ tokenId, contentId, parent, generation }, i) => {
    if (stillOwned[i]) byToken.set(tokenId, { tokenId, contentId, parent, generation });
  });
  for (const license of recent) byToken.set(license.tokenId, license);
  return [...byToken.values()].sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1));
}

/**
 * The newest license of `contentId` that `account` owns now, under any token id: whoever holds one is offered the
 * free re-key, never a second sale. Ownership is read on chain at this moment.
 */
export async function findOwnedLicense(
  client: Client,
  parameters: FindOwnedLicenseParameters,
): Promise<FindOwnedLicenseReturnType> {
  const { market, contentId, account, fromBlock, indexer } = parameters;
  const owned =
    (indexer ? await ownedThroughIndex(client, indexer, parameters) : undefined) ??
    (await getOwnedLicenses(client, { market, account, fromBlock }));
  return owned.filter((license) => license.contentId === contentId).at(-1);
}
