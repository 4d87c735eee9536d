"use client";

import { copyFileName } from "@superdist/package";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { type StoredCopy, storeCopy } from "../lib/copies.ts";
import { fetchShared } from "../lib/p2p.ts";
import { describeError } from "../lib/txErrors.ts";
import type { Progress } from "./useFlow.ts";
import { type ContentEntry, useMarket } from "./useMarket.ts";
import { useRekey } from "./useRekey.ts";
import { useRuntimeConfig } from "./useRuntimeConfig.ts";

/** Where the publisher said copies can be fetched, if they said so. */
function magnetOf(entry: ContentEntry | undefined): string | undefined {
  const metadata = entry?.metadata as { magnet?: unknown } | undefined;
  return typeof metadata?.magnet === "string" ? metadata.magnet : undefined;
}

/**
 * Unlocks a license in this browser: any copy of its content will do (one this browser holds, or one fetched
 * from where the publisher seeds it), re-keyed to the license with one signature and kept here.
 */
export function useUnlock() {
  const { market, chainId } = useMarket();
  const { trackerUrl, iceServers } = useRuntimeConfig();
  const queryClient = useQueryClient();
  const rekey = useRekey();
  const [fetching, setFetching] = useState<Progress>();
  const [error, setError] = useState<string>();

  const unlock = useCallback(
    async (
      contentId: bigint,
      tokenId: bigint,
      entry: ContentEntry | undefined,
      copies: StoredCopy[],
    ): Promise<StoredCopy | undefined> => {
      if (!market) return undefined;
      setError(undefined);
      try {
        let source: Blob | undefined = copies.find((copy) => copy.contentId === contentId.toString())?.blob;
        const magnet = magnetOf(entry);
        if (!source && magnet) {
          setFetching({ done: 0, total: undefined });
          source = await fetchShared(magnet, { trackerUrl, iceServers }, (done, total) =>
            setFetching({ done, total }),
          );
          setFetching(undefined);
        }
        if (!source) {
          setError(
            "No copy of this content is in this browser, and its publisher names none to fetch. Open a copy someone gave you: it unlocks with your license.",
          );
          return undefined;
        }
        const rekeyed = await rekey.rekey(source, tokenId);
        if (!rekeyed) return undefined;
        const stored = {
          chainId,
          market,
          contentId: contentId.toString(),
          holderTokenId: tokenId.toString(),
          fileName: copyFileName(entry?.metadata.fileName ?? entry?.content.title ?? "content", tokenId),
          blob: rekeyed,
          keyedHere: true,
        };
        await storeCopy(stored);
        await queryClient.invalidateQueries({ queryKey: ["copies"] });
        return { ...stored, savedAt: Date.now() };
      } catch (caught) {
        setFetching(undefined);
        setError(describeError(caught).message);
        return undefined;
      }
    },
    [market, chainId, trackerUrl, iceServers, rekey.rekey, queryClient],
  );

  return { unlock, fetching, error, rekey, busy: rekey.busy || fetching !== undefined };
}
