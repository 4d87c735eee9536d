import type { Address, Client } from "viem";
import { multicall, readContract } from "viem/actions";
import { superdistMarketAbi } from "../abi.generated.ts";

export type GetLineageParameters = { market: Address; tokenId: bigint };
export type LineageEntry = { tokenId: bigint; owner: Address; generation: bigint };
export type GetLineageReturnType = {
  license: { owner: Address; contentId: bigint; parent: bigint; generation: bigint };
  /** The ancestors a purchase through this license pays, nearest first, starting with the license itself. */
  payees: LineageEntry[];
};

/**
 * A license and the chain of licenses a purchase through it would pay: the license itself (level 1), then its
 * ancestors up to the content's schedule depth, each with its current owner.
 */
export async function getLineage(
  client: Client,
  { market, tokenId }: GetLineageParameters,
): Promise<GetLineageReturnType> {
  const [license, ancestors] = await Promise.all([
    readContract(client, {
      address: market,
      abi: superdistMarketAbi,
      functionName: "license",
      args: [tokenId],
    }),
    readContract(client, {
      address: market,
      abi: superdistMarketAbi,
      functionName: "lineageOf",
      args: [tokenId],
    }),
  ]);
  const ids = [tokenId, ...ancestors];
  const records = await readLicenses(client, market, ids);
  return {
    license,
    payees: records.map((r, i) => ({ tokenId: ids[i], owner: r.owner, generation: r.generation })),
  };
}

async function readLicenses(client: Client, market: Address, ids: readonly bigint[]) {
  const calls = ids.map((id) => ({
    address: market,
    abi: superdistMarketAbi,
    functionName: "license" as const,
    args: [id] as const,
  }));
  if (client.chain?.contracts?.multicall3)
    return multicall(client, { contracts: calls, allowFailure: false });
  return Promise.all(calls.map((call) => readContract(client, call)));
}
