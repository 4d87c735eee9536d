/** File names of packages, shared by the CLI and the dApp so that a copy has the same name wherever it is saved. */

export const PACKAGE_EXTENSION = ".superdist";

/** `song.wav.license-7.superdist` → `song.wav`. */
export function contentStem(fileName: string): string {
  return fileName.replace(/\.superdist$/, "").replace(/\.license-\d+$/, "");
}

/** The publisher's copy is `<file>.superdist`; a licensed copy `<file>.license-<id>.superdist`. */
export function copyFileName(fileName: string, tokenId: bigint): string {
  const base = contentStem(fileName) || "content";
  return tokenId === 0n ? `${base}${PACKAGE_EXTENSION}` : `${base}.license-${tokenId}${PACKAGE_EXTENSION}`;
}

/** The name the plaintext is saved under: the original file name when the metadata names it. */
export function plaintextFileName(fileName: string | undefined, packageName: string): string {
  return fileName || contentStem(packageName) || "content";
}
