"use client";

import { copyFileName, rekeyBlob } from "@superdist/package";
import { type PublishTerms, publishContent } from "@superdist/sdk";
import { useCallback, useState } from "react";
import { storeCopy } from "../lib/copies.ts";
import { browserIdentity } from "../lib/identity.ts";
import { encryptInWorker } from "../lib/packageWorker.ts";
import { useFlow } from "./useFlow.ts";
import { useMarket } from "./useMarket.ts";
import { useRuntimeConfig } from "./useRuntimeConfig.ts";

export type Published = { contentId: bigint; blob: Blob; fileName: string };

/**
 * Publishing from this browser: the SDK's flow, with the file encrypted in a worker and the first copy keyed to
 * this browser and kept in its library.
 */
export function usePublishContent() {
  const { market, chainId, verifierUrls } = useMarket();
  const { trackerUrl } = useRuntimeConfig();
  const flow = useFlow();
  const { run } = flow;
  const [published, setPublished] = useState<Published>();
  const [problem, setProblem] = useState<string>();

  const publish = useCallback(
    async (file: File, terms: PublishTerms, delivery: { webSeed?: string } = {}) => {
      setProblem(undefined);
      if (!market) return;
      if (verifierUrls.length === 0) {
        setProblem("No verifier is configured for this deployment.");
        return;
      }
      let blob: Blob | undefined;
      const fileName = copyFileName(file.name, 0n);
      const result = await run(async ({ signer, publicClient, onStage }) => {
        const identity = await browserIdentity();
        return publishContent(signer, {
          market,
          terms,
          holderRecipients: [identity.recipient],
          verifierUrls,
          publicClient,
          onStage,
          encrypt: async ({ onProgress, ...options }) => {
            blob = (await encryptInWorker(file, options, onProgress)).blob;
          },
          replaceHeader: async (header, contentId) => {
            blob = await rekeyBlob(blob as Blob, header, { publishedAs: contentId });
          },
          // The metadata names this copy's torrent: the tracker browsers meet at, and the publisher's web seed if
          // they serve one (`superdist share`). Seeded from this browser, the copy is that torrent.
          sources: {
            name: fileName,
            trackers: trackerUrl ? [trackerUrl] : [],
            webSeeds: delivery.webSeed ? [delivery.webSeed] : [],
          },
          readPackage: async () => blob as Blob,
        });
      });
      if (!result || !blob) return;
      await storeCopy({
        chainId,
        market,
        contentId: result.contentId.toString(),
        holderTokenId: "0",
        fileName,
        blob,
        keyedHere: true,
      });
      setPublished({ contentId: result.contentId, blob, fileName });
    },
    [market, chainId, verifierUrls, trackerUrl, run],
  );

  return { publish, published, problem, states: flow.states, running: flow.running };
}
