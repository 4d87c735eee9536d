"use client";

import { rekeyCopy } from "@superdist/sdk";
import { useCallback } from "react";
import { browserIdentity } from "../lib/identity.ts";
import type { ErrorDescription } from "../lib/txErrors.ts";
import { useFlow } from "./useFlow.ts";
import { useMarket } from "./useMarket.ts";

export type VerifierState =
  | { stage: "idle" }
  | { stage: "asking" }
  | { stage: "done" }
  | { stage: "failed"; error: ErrorDescription };

const IDLE = { stage: "idle" } as const;

/**
 * Re-keys a copy to this browser for license `tokenId`: one EIP-712 signature by the license's owner, the
 * verifier writes a new header, and it is spliced in front of the untouched payload (no re-encryption).
 */
export function useRekey() {
  const { market, verifierUrls } = useMarket();
  const flow = useFlow();
  const { run } = flow;

  const rekey = useCallback(
    async (copy: Blob, tokenId: bigint): Promise<Blob | undefined> => {
      if (!market) return undefined;
      const rekeyed = await run(async ({ signer, publicClient, onStage }) => {
        const { recipient } = await browserIdentity();
        return rekeyCopy(signer, { market, copy, tokenId, recipient, verifierUrls, publicClient, onStage });
      });
      return rekeyed?.copy;
    },
    [market, verifierUrls, run],
  );

  const signature = flow.states["rekey-signature"] ?? flow.states.wallet ?? IDLE;
  return { rekey, signature, verifier: flow.states.verifier ?? IDLE, busy: flow.running };
}
