import type { Client } from "viem";
import { getBlockNumber } from "viem/actions";
import type { OnStage } from "../stages.ts";

export type WaitForConfirmationsParameters = {
  /** The block the transaction was included in. */
  blockNumber: bigint;
  /** The verifier's depth: it reads ownership at `latest - confirmations`. */
  confirmations: number;
  pollingIntervalMs?: number;
  onStage?: OnStage;
};

/** Resolves once a transaction in `blockNumber` is as deep as the verifier needs to see it. */
export async function waitForConfirmations(
  client: Client,
  { blockNumber, confirmations, pollingIntervalMs = 500, onStage }: WaitForConfirmationsParameters,
): Promise<void> {
  const needed = BigInt(confirmations);
  for (;;) {
    const latest = await getBlockNumber(client, { cacheTime: 0 });
    const seen = latest >= blockNumber ? latest - blockNumber : 0n;
    onStage?.({
      operation: "confirmations",
      status: "waiting",
      seen: Number(seen < needed ? seen : needed),
      needed: confirmations,
    });
    if (seen >= needed) return;
    await new Promise((resolve) => setTimeout(resolve, pollingIntervalMs));
  }
}
