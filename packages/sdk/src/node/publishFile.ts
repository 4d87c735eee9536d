import { openAsBlob } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { basename } from "node:path";
import { encryptFile, rekeyFile } from "@superdist/package/node";
import {
  type CopySources,
  type PublishContentParameters,
  type PublishContentReturnType,
  publishContent,
} from "../actions/publishContent.ts";
import type { SignerClient } from "../transact.ts";

export type PublishFileParameters = Omit<
  PublishContentParameters,
  "encrypt" | "replaceHeader" | "readPackage" | "sources"
> & {
  /** The plaintext file. */
  input: string;
  /** Where the publisher's package is written; nothing is there unless publishing succeeds. */
  output: string;
  /** Where copies will be fetched; the package is offered under the name of `output` unless told otherwise. */
  sources?: Omit<CopySources, "name"> & { name?: string };
};

export type PublishFileReturnType = PublishContentReturnType & { output: string };

/**
 * `publishContent` for files: the package is encrypted beside `output` and renamed into place only once the
 * content is on chain, so a refused publication leaves no file behind.
 */
export async function publishFile(
  client: SignerClient,
  { input, output, sources, ...parameters }: PublishFileParameters,
): Promise<PublishFileReturnType> {
  const { size } = await stat(input);
  const staged = `${output}.${process.pid}.staged`;
  try {
    const published = await publishContent(client, {
      ...parameters,
      encrypt: async ({ onProgress, ...options }) => {
        await encryptFile(input, staged, options, (done) => onProgress(done, size));
      },
      replaceHeader: async (header, contentId) => {
        await rekeyFile(staged, staged, header, { publishedAs: contentId });
      },
      ...(sources ? { sources: { ...sources, name: sources.name ?? basename(output) } } : {}),
      readPackage: () => openAsBlob(staged),
    });
    await rename(staged, output);
    return { ...published, output };
  } finally {
    await rm(staged, { force: true });
  }
}
