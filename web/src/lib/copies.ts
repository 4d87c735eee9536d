import type { Address } from "viem";
import { COPY_STORE, readAll, writeValue } from "./browserStore.ts";

/** A package this browser holds, kept so the library can re-key and hand it out again. */
export type StoredCopy = {
  chainId: number;
  market: Address;
  contentId: string;
  holderTokenId: string;
  fileName: string;
  blob: Blob;
  /** Whether this browser's identity opens it. */
  keyedHere: boolean;
  savedAt: number;
};

function copyKey(copy: Pick<StoredCopy, "chainId" | "market" | "contentId" | "holderTokenId">): string {
  return `${copy.chainId}:${copy.market.toLowerCase()}:${copy.contentId}:${copy.holderTokenId}`;
}

export async function storeCopy(copy: Omit<StoredCopy, "savedAt">): Promise<void> {
  await writeValue(COPY_STORE, copyKey(copy), { ...copy, savedAt: Date.now() });
}

/** Copies of this market's contents, keyed-here ones first, newest first. */
export async function listCopies(chainId: number, market: Address): Promise<StoredCopy[]> {
  const all = await readAll<StoredCopy>(COPY_STORE);
  return all
    .filter((copy) => copy.chainId === chainId && copy.market.toLowerCase() === market.toLowerCase())
    .sort((a, b) => Number(b.keyedHere) - Number(a.keyedHere) || b.savedAt - a.savedAt);
}

/** Offers a blob as a download under `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
