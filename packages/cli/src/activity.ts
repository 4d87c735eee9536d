import {
  type GetAccountActivityReturnType,
  getAccountActivity,
  superdistMarketAbi,
} from "@superdist/contracts";
import { getAccountActivity as getIndexedActivity, getIndexStatus } from "@superdist/indexer/client";
import type { Address } from "viem";
import type { Context } from "./config.ts";

/**
 * An account's rewards: the trees and history from the indexer where one is set and holds this chain, else from
 * the market's logs (slower, and capped by some RPCs, but never stale). What is claimable is always read on chain,
 * since a claim is decided on it.
 */
export async function readActivity(ctx: Context, account: Address): Promise<GetAccountActivityReturnType> {
  const market = ctx.deployment.market;
  const { indexer } = ctx;
  if (indexer) {
    const status = await getIndexStatus(indexer, { client: ctx.publicClient, market, toleranceBlocks: 2n });
    if (!("error" in status)) {
      if (status.state === "behind") {
        ctx.io.stderr.write(
          `superdist: indexed to block ${status.indexedBlock} of ${status.chainBlock}: the latest sales may be missing.\n`,
        );
      }
      const activity = await getIndexedActivity(indexer, { account });
      const amounts = await Promise.all(
        activity.claimable.map(({ currency }) =>
          ctx.publicClient.readContract({
            address: market,
            abi: superdistMarketAbi,
            functionName: "claimable",
            args: [account, currency],
          }),
        ),
      );
      return {
        ...activity,
        claimable: activity.claimable.map(({ currency }, i) => ({ currency, amount: amounts[i] })),
      };
    }
    ctx.io.stderr.write(`superdist: ${status.error.shortMessage} Reading the market's logs instead.\n`);
  }
  return getAccountActivity(ctx.publicClient, {
    market,
    account,
    fromBlock: BigInt(ctx.deployment.deployBlock),
  });
}
