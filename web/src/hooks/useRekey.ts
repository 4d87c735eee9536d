"use client";

import type { PackageHeader } from "@superdist/package";
import { rekeyBlob } from "@superdist/package";
import { rekeyDeadline, rekeyTypedData, requestRekey } from "@superdist/verifier/client";
import { useCallback, useState } from "react";
import type { Address } from "viem";
import { browserIdentity } from "../lib/identity.ts";
import { describeError, type ErrorDescription } from "../lib/txErrors.ts";
import { useMarket } from "./useMarket.ts";
import { useSigner } from "./useTransactor.ts";

export type VerifierState =
  | { stage: "idle" }
  | { stage: "asking" }
  | { stage: "done" }
  | { stage: "failed"; error: ErrorDescription };

/**
 * Re-keys a copy to this browser for license `tokenId`: one EIP-712 signature by the license's owner, the
 * verifier writes a new header, and it is spliced in front of the untouched payload (no re-encryption).
 */
export function useRekey() {
  const { market, chainId, verifierUrls } = useMarket();
  const signer = useSigner();
  const [verifier, setVerifier] = useState<VerifierState>({ stage: "idle" });

  const rekey = useCallback(
    async (copy: Blob, header: PackageHeader, tokenId: bigint): Promise<Blob | undefined> => {
      setVerifier({ stage: "idle" });
      try {
        const identity = await browserIdentity();
        const deadline = rekeyDeadline();
        const signature = await signer.sign(
          rekeyTypedData({
            chainId,
            market: market as Address,
            tokenId,
            recipient: identity.recipient,
            header: header.bytes,
            deadline,
          }),
        );
        if (!signature) return undefined;
        setVerifier({ stage: "asking" });
        const answer = await requestRekey({
          verifierUrls,
          header: header.bytes,
          tokenId,
          recipient: identity.recipient,
          deadline,
          signature,
        });
        const rekeyed = await rekeyBlob(copy, answer.header);
        setVerifier({ stage: "done" });
        return rekeyed;
      } catch (error) {
        setVerifier({ stage: "failed", error: describeError(error) });
        return undefined;
      }
    },
    [chainId, market, verifierUrls, signer.sign],
  );

  const busy = signer.busy || verifier.stage === "asking";
  return { rekey, signature: signer.state, verifier, busy };
}
