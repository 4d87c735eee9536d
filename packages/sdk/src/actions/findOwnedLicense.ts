import { getOwnedLicenses, type OwnedLicense } from "@superdist/contracts";
import type { Address, Client } from "viem";

export type FindOwnedLicenseParameters = {
  market: Address;
  contentId: bigint;
  account: Address;
  /** Where the market's history starts (its deploy block). */
  fromBlock?: bigint;
};

export type FindOwnedLicenseReturnType = OwnedLicense | undefined;

/**
 * The newest license of `contentId` that `account` owns now, under any token id: whoever holds one is offered the
 * free re-key, never a second sale. Ownership is read on chain at this moment.
 */
export async function findOwnedLicense(
  client: Client,
  { market, contentId, account, fromBlock }: FindOwnedLicenseParameters,
): Promise<FindOwnedLicenseReturnType> {
  const owned = await getOwnedLicenses(client, { market, account, fromBlock });
  return owned.filter((license) => license.contentId === contentId).at(-1);
}
