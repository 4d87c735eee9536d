/**
 * bench:rekey-file — what `rekeyFile` costs at 1 GiB on each way it can go, beside a plain copy of the same file
 * in the same run. The package has a real header and a payload of random bytes: `rekeyFile` never decrypts, so
 * the payload's content does not matter to it. Each figure is the best of a few runs, each after `sync`.
 *
 * The temporary directory is on this machine's file system; `BENCH_REFLINK_DIR` names a directory on one with
 * reflinks (XFS, Btrfs) to measure that path too.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  generateIdentity,
  identityToRecipient,
  parseHeader,
  rekeyHeader,
  unwrapFileKey,
} from "@superdist/package";
import { encryptFile, rekeyFile } from "@superdist/package/node";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";

const SIZE = 1 << 30;
const RUNS = 3;
const target = "constant in the size where the file system allows it";

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function fileSystem(dir: string): string {
  return execFileSync("df", ["--output=fstype", dir], { encoding: "utf8" }).trim().split("\n").at(-1) ?? "?";
}

async function hasReflinks(dir: string): Promise<boolean> {
  const probe = join(dir, "reflink-probe");
  await writeFile(probe, "probe");
  try {
    await copyFile(probe, `${probe}.clone`, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true });
    await rm(`${probe}.clone`, { force: true });
  }
}

async function best(prepare: () => Promise<void>, run: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    await prepare();
    execFileSync("sync");
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const loadStart = loadavg()[0] ?? 0;
const work = await mkdtemp(join(tmpdir(), "superdist-rekey-file-"));
const dirs = [work, ...(process.env.BENCH_REFLINK_DIR ? [process.env.BENCH_REFLINK_DIR] : [])];
const rows: (string | number)[][] = [];
try {
  const verifier = await generateIdentity();
  const holder = await generateIdentity();
  const next = await generateIdentity();
  await writeFile(join(work, "plain"), randomBytes(1024));
  const sealed = await encryptFile(join(work, "plain"), join(work, "small.age"), {
    holderRecipients: [await identityToRecipient(holder)],
    verifierRecipient: await identityToRecipient(verifier),
    lineage: { chainId: 31337n, market: `0x${"ab".repeat(20)}`, contentId: 1n, holderTokenId: 5n },
  });
  const rekeyed = async (tokenId: bigint) => {
    const header = parseHeader(sealed.header.bytes);
    return rekeyHeader({
      header,
      fileKey: (await unwrapFileKey(header, [verifier])) as Uint8Array,
      holderRecipients: [await identityToRecipient(next)],
      verifierRecipient: await identityToRecipient(verifier),
      holderTokenId: tokenId,
    });
  };
  const sameLength = await rekeyed(6n);
  const otherLength = await rekeyed(12345n);
  if (sameLength.length !== sealed.header.bytes.length) throw new Error("token 6 should keep the length");

  for (const dir of dirs) {
    const kind = fileSystem(dir);
    const reflinks = await hasReflinks(dir);
    const source = join(dir, "source.age");
    const output = join(dir, "output.age");
    log(`writing a 1 GiB package on ${kind}...`);
    const file = await open(source, "w");
    const piece = randomBytes(1 << 20);
    await file.write(sealed.header.bytes);
    for (let written = 0; written < SIZE; written += piece.length) await file.write(piece);
    await file.close();
    const removeOutput = () => rm(output, { force: true });

    const plainCopy = await best(removeOutput, () => copyFile(source, output));
    const streamed = await best(removeOutput, () => rekeyFile(source, output, otherLength));
    const cloned = await best(removeOutput, () => rekeyFile(source, output, sameLength));
    const header = new Uint8Array(await readFile(source)).subarray(0, sealed.header.bytes.length);
    const inPlace = await best(
      async () => {
        // Each run starts from the original header, so each writes a new one over it.
        const handle = await open(source, "r+");
        await handle.write(header, 0, header.length, 0);
        await handle.close();
      },
      () => rekeyFile(source, source, sameLength, { inPlace: true }),
    );
    const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
    rows.push(
      [kind, "plain `fs.copyFile` of the package (reference)", ms(plainCopy), ""],
      [kind, "rekeyFile, header length changes: payload streamed through the process", ms(streamed), ""],
      [
        kind,
        "rekeyFile, header length unchanged: a reflink (`copyFile`, COPYFILE_FICLONE_FORCE), header written over; a streamed copy where that fails",
        ms(cloned),
        reflinks ? `${target} ${cloned < 50 ? "✓" : "✗"}` : `none: ${kind} has no reflinks`,
      ],
      [
        kind,
        "rekeyFile in place (`inPlace: true`), header length unchanged",
        ms(inPlace),
        `${target} ${inPlace < 50 ? "✓" : "✗"}`,
      ],
    );
    await rm(source, { force: true });
    await removeOutput();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const table = markdownTable(["file system", "1 GiB package", "ms", "target"], rows);
const body = [
  "### Re-keying to a new file",
  "",
  `\`npm run bench:rekey-file\`: \`rekeyFile\` of a 1 GiB package (a real header, a random payload) to a new file, best of ${RUNS}, each after \`sync\`; ${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, 1-minute load average ${loadStart.toFixed(1)} at the start. A header keeps its length when the copy re-keyed was already keyed to one holder and the new token id has as many digits as the old one (a buyer's copy re-keyed for the next buyer); a publisher's copy (token 0) re-keyed for a buyer changes it. ext4 has no reflinks: there the clone fails at once and the payload is streamed, as when the length changes (the kernel's own copy, \`copyFile\` without the force flag, was no faster here). On XFS (\`mkfs.xfs -m reflink=1\`, here a loopback image) the clone shares the blocks; \`fs.copyFile\` itself does too there, through \`copy_file_range\`.`,
  "",
  table,
  "",
  "The `rekeyFile` column of the re-key table above comes from `npm run bench:package`, run before this path existed: its 1 GiB figure is the streamed copy, the second row here.",
].join("\n");
process.stdout.write(`${table}\n`);
await writeBenchmarkSection("rekey-file", body);
