import type { Address, Client } from "viem";
import { getContractEvents, readContract } from "viem/actions";
import { superdistMarketAbi } from "../abi.generated.ts";

export type GetOwnedLicensesParameters = { market: Address; account: Address; fromBlock?: bigint };
export type OwnedLicense = { tokenId: bigint; contentId: bigint; parent: bigint; generation: bigint };

/** The licenses `account` owns now, oldest first: every token it ever received, kept if it still owns it. */
export async function getOwnedLicenses(
  client: Client,
  { market, account, fromBlock = 0n }: GetOwnedLicensesParameters,
): Promise<OwnedLicense[]> {
  const received = await getContractEvents(client, {
    address: market,
    abi: superdistMarketAbi,
    eventName: "Transfer",
    args: { to: account },
    fromBlock,
    strict: true,
  });
  const tokenIds = [...new Set(received.map((event) => event.args.tokenId))];
  const records = await Promise.all(
    tokenIds.map((tokenId) =>
      readContract(client, {
        address: market,
        abi: superdistMarketAbi,
        functionName: "license",
        args: [tokenId],
      }),
    ),
  );
  return records
    .map((record, index) => ({ ...record, tokenId: tokenIds[index] }))
    .filter((record) => record.owner.toLowerCase() === account.toLowerCase())
    .map(({ tokenId, contentId, parent, generation }) => ({ tokenId, contentId, parent, generation }));
}
