import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { downloadOptions, type FetchCopyParameters, type FetchCopyReturnType } from "../actions/fetchCopy.ts";
import { downloadCopy } from "../delivery/download.ts";
import { parseCopySource } from "../delivery/magnet.ts";

export type FetchCopyFileParameters = FetchCopyParameters & {
  /** Where the package goes; nothing is there unless every check passed. An existing file is replaced. */
  output: string;
};

export type FetchCopyFileReturnType = Omit<FetchCopyReturnType, "blob"> & { output: string };

/**
 * `fetchCopy` to a file: the bytes go to a temporary file beside `output` as they are checked, and it is renamed
 * into place only once the whole copy passed, so that a damaged or wrong download leaves nothing under the name.
 */
export async function fetchCopyFile({
  output,
  ...parameters
}: FetchCopyFileParameters): Promise<FetchCopyFileReturnType> {
  const source =
    typeof parameters.source === "string" ? parseCopySource(parameters.source) : parameters.source;
  const partial = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString("hex")}.part`);
  const handle = await open(partial, "wx", 0o644);
  let closed = false;
  try {
    parameters.onStage?.({ operation: "fetch", status: "asking" });
    const fetched = await downloadCopy(
      source,
      {
        async write(bytes) {
          let written = 0;
          while (written < bytes.length) {
            written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
          }
        },
      },
      downloadOptions(parameters),
    );
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(partial, output);
    parameters.onStage?.({ operation: "fetch", status: "done" });
    return { ...fetched, output };
  } finally {
    if (!closed) await handle.close().catch(() => {});
    await rm(partial, { force: true });
  }
}
