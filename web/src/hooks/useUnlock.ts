"use client";

import { copyFileName } from "@superdist/package";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { type StoredCopy, storeCopy } from "../lib/copies.ts";
import { fetchShared, P2PError, type P2PSettings } from "../lib/p2p.ts";
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

/** How long the sharer's own copy may find no peer (their page closed) before the publisher's is fetched. */
const SHARED_STALL_MS = 8_000;

/**
 * The sharer's copy while their page offers it, else the publisher's: the publisher's is awaited as long as it
 * takes, the sharer's only until it stalls (undefined then, when the publisher names none).
 */
async function fetchCopyOf(
  { shared, published }: { shared: string | undefined; published: string | undefined },
  settings: P2PSettings,
  onProgress: (progress: Progress) => void,
): Promise<Blob | undefined> {
  const report = (done: number, total: number | undefined) => onProgress({ done, total });
  if (shared && shared !== published) {
    try {
      return await fetchShared(shared, settings, report, { stallMs: SHARED_STALL_MS });
    } catch (error) {
      if (!(error instanceof P2PError)) throw error;
    }
  }
  return published ? fetchShared(published, settings, report) : undefined;
}

/**
 * Unlocks a license in this browser: any copy of its content will do (one this browser holds, or one fetched
 * from where the publisher seeds it), re-keyed to the license with one signature and kept here. A
 * `sharedMagnet` (the copy of whoever shared the link) is tried before the publisher's.
 */
export function useUnlock(sharedMagnet?: string) {
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
        const magnets = { shared: sharedMagnet, published: magnetOf(entry) };
        if (!source && (magnets.shared || magnets.published)) {
          setFetching({ done: 0, total: undefined });
          source = await fetchCopyOf(magnets, { trackerUrl, iceServers }, setFetching);
          setFetching(undefined);
        }
        if (!source) {
          setError(
            "No copy of this content is in this browser, nobody is offering one right now, and its publisher names none to fetch. Open a copy someone gave you: it unlocks with your license.",
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
    [market, chainId, trackerUrl, iceServers, rekey.rekey, queryClient, sharedMagnet],
  );

  return { unlock, fetching, error, rekey, busy: rekey.busy || fetching !== undefined };
}
