import { readHeaderFromFile, rekeyFile } from "@superdist/package/node";
import type { RekeyCopyParameters } from "../actions/rekeyCopy.ts";
import { requestRekeyedHeader } from "../actions/requestRekeyedHeader.ts";
import type { SignerClient } from "../transact.ts";

export type RekeyCopyFileParameters = Omit<RekeyCopyParameters, "copy"> & {
  /** Any copy of the content. */
  path: string;
  /** Where the re-keyed copy goes (may be `path`); written atomically. */
  output: string;
};

export type RekeyCopyFileReturnType = { output: string; header: Uint8Array };

/** `rekeyCopy` for files: only the header is new, the payload is copied byte for byte. */
export async function rekeyCopyFile(
  client: SignerClient,
  { path, output, ...parameters }: RekeyCopyFileParameters,
): Promise<RekeyCopyFileReturnType> {
  const current = await readHeaderFromFile(path);
  const { header } = await requestRekeyedHeader(client, { ...parameters, header: current.bytes });
  await rekeyFile(path, output, header);
  return { output, header };
}
