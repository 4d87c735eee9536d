// Run by memory.test.ts in its own process, so that maxRSS measures nothing but this work.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { decryptPackage, encryptPackage, generateIdentity, identityToRecipient } from "@superdist/package";
import { decryptFile, encryptFile } from "@superdist/package/node";
import { lineage } from "./fixtures.ts";

const [dir, streamMiB, fileMiB] = process.argv.slice(2) as [string, string, string];
const size = Number(streamMiB) * (1 << 20);
const fileSize = Number(fileMiB) * (1 << 20);
const identity = await generateIdentity();
const recipient = await identityToRecipient(identity);
const options = { holderRecipients: [recipient], verifierRecipient: recipient, lineage };
const baselineKiB = process.resourceUsage().maxRSS;

// 1. A generated stream through encryption straight into decryption.
const sent = createHash("sha256");
let produced = 0;
const source = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (produced >= size) {
      controller.close();
      return;
    }
    const chunk = new Uint8Array(1 << 20).fill(produced / (1 << 20));
    chunk[0] = 0xff;
    sent.update(chunk);
    produced += chunk.length;
    controller.enqueue(chunk);
  },
});
const encrypted = await encryptPackage(source, options);
const decrypted = await decryptPackage(encrypted.stream, { identities: [identity] });
const received = createHash("sha256");
let streamBytes = 0;
await decrypted.stream.pipeTo(
  new WritableStream({
    write(chunk) {
      received.update(chunk);
      streamBytes += chunk.length;
    },
  }),
);

// 2. Files: a sparse input, encrypted to disk and decrypted back.
const plain = join(dir, "large");
const handle = await open(plain, "w");
await handle.truncate(fileSize);
await handle.close();
await encryptFile(plain, join(dir, "large.age"), options);
const { plaintextSize } = await decryptFile(join(dir, "large.age"), join(dir, "large.out"), [identity]);
const zeros = Buffer.alloc(1 << 20);
let nonZero = 0;
for await (const chunk of createReadStream(join(dir, "large.out"), { highWaterMark: 1 << 20 })) {
  if (!zeros.subarray(0, chunk.length).equals(chunk)) nonZero++;
}

console.log(
  JSON.stringify({
    baselineKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    streamBytes,
    streamHashesEqual: sent.digest("hex") === received.digest("hex"),
    fileBytes: (await stat(join(dir, "large.out"))).size,
    plaintextSize,
    nonZero,
  }),
);
