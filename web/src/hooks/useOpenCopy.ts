"use client";

import type { PackageHeader } from "@superdist/package";
import { copyFileName, readHeaderFromBlob, unwrapFileKey } from "@superdist/package";
import { checkCopyMarket } from "@superdist/sdk";
import { useCallback, useState } from "react";
import { storeCopy } from "../lib/copies.ts";
import { browserIdentity } from "../lib/identity.ts";
import { fetchShared } from "../lib/p2p.ts";
import { decryptInWorker } from "../lib/packageWorker.ts";
import { describeError } from "../lib/txErrors.ts";
import { useCatalogEntry, useMarket } from "./useMarket.ts";
import { useRekey } from "./useRekey.ts";
import { useRuntimeConfig } from "./useRuntimeConfig.ts";

export type OpenedCopy = { blob: Blob; name: string; header: PackageHeader };

export type OpenPhase =
  | { step: "idle" }
  | { step: "fetching"; done: number; total: number | undefined }
  | { step: "reading" }
  | { step: "error"; message: string }
  | { step: "decrypting"; done: number; total: number | undefined }
  | { step: "locked" }
  | { step: "opened"; plaintext: Blob };

function failed(error: unknown): OpenPhase {
  return { step: "error", message: describeError(error).message };
}

/**
 * Opening a package in this browser: read its header, keep the copy, decrypt it if it is keyed here, and
 * otherwise leave it locked until a license re-keys it. Every copy seen is kept in the browser's library.
 */
export function useOpenCopy() {
  const { market, chainId } = useMarket();
  const { trackerUrl, iceServers } = useRuntimeConfig();
  const [copy, setCopy] = useState<OpenedCopy>();
  const [phase, setPhase] = useState<OpenPhase>({ step: "idle" });
  const [mine, setMine] = useState<{ blob: Blob; tokenId: bigint }>();
  const entry = useCatalogEntry(copy?.header.lineage.contentId);
  const rekey = useRekey();

  const decrypt = useCallback(async (blob: Blob) => {
    const identity = await browserIdentity();
    setPhase({ step: "decrypting", done: 0, total: undefined });
    const plaintext = await decryptInWorker(blob, [identity.key], (done, total) =>
      setPhase({ step: "decrypting", done, total }),
    );
    setPhase({ step: "opened", plaintext });
  }, []);

  const open = useCallback(
    async (file: File) => {
      setCopy(undefined);
      setMine(undefined);
      setPhase({ step: "reading" });
      try {
        if (!market) return;
        const header = await readHeaderFromBlob(file);
        const { lineage } = header;
        checkCopyMarket(lineage, { chainId, market });
        setCopy({ blob: file, name: file.name, header });
        const identity = await browserIdentity();
        const keyedHere = (await unwrapFileKey(header, [identity.key])) !== null;
        await storeCopy({
          chainId,
          market,
          contentId: lineage.contentId.toString(),
          holderTokenId: lineage.holderTokenId.toString(),
          fileName: file.name,
          blob: file,
          keyedHere,
        });
        if (!keyedHere) {
          setPhase({ step: "locked" });
          return;
        }
        if (lineage.holderTokenId !== 0n) setMine({ blob: file, tokenId: lineage.holderTokenId });
        await decrypt(file);
      } catch (error) {
        setPhase(failed(error));
      }
    },
    [chainId, market, decrypt],
  );

  /** With a license (just bought, or owned already): re-key this copy to it and open it. */
  const rekeyAndOpen = useCallback(
    async (tokenId: bigint) => {
      if (!copy || !market) return;
      const rekeyed = await rekey.rekey(copy.blob, tokenId);
      if (!rekeyed) return;
      try {
        const fileName = copyFileName(entry.data?.metadata.fileName ?? copy.name, tokenId);
        await storeCopy({
          chainId,
          market,
          contentId: copy.header.lineage.contentId.toString(),
          holderTokenId: tokenId.toString(),
          fileName,
          blob: rekeyed,
          keyedHere: true,
        });
        setCopy({ blob: rekeyed, name: fileName, header: await readHeaderFromBlob(rekeyed) });
        setMine({ blob: rekeyed, tokenId });
        await decrypt(rekeyed);
      } catch (error) {
        setPhase(failed(error));
      }
    },
    [copy, market, chainId, entry.data, rekey.rekey, decrypt],
  );

  const fetchAndOpen = useCallback(
    async (magnet: string) => {
      setCopy(undefined);
      // A link with a web seed needs no tracker; one without says so when fetchShared refuses it.
      setPhase({ step: "fetching", done: 0, total: undefined });
      try {
        const file = await fetchShared(magnet, { trackerUrl, iceServers }, (done, total) =>
          setPhase({ step: "fetching", done, total }),
        );
        await open(file);
      } catch (error) {
        setPhase(failed(error));
      }
    },
    [trackerUrl, iceServers, open],
  );

  return {
    copy,
    phase,
    setPhase,
    mine,
    entry,
    rekey,
    open,
    rekeyAndOpen,
    fetchAndOpen,
    p2p: trackerUrl !== null,
  };
}
