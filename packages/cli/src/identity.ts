import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { CliError } from "./errors.ts";

export type DeviceIdentity = { identities: string[]; recipient: string };

/**
 * Creates an age identity file in the `age-keygen` format, mode 0600, so that `age -d -i <file>` reads it too.
 * Refuses to overwrite one unless `force`: losing it only means re-keying again, but it should not happen by accident.
 */
export async function createIdentityFile(path: string, force = false): Promise<string> {
  if (!force && (await readFile(path).catch(() => undefined)) !== undefined) {
    throw new CliError(
      "IDENTITY_EXISTS",
      `An identity already exists at ${path}; pass --force to replace it.`,
    );
  }
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const text = `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`;
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return recipient;
}

/** Reads every `AGE-SECRET-KEY-1…` line of an identity file; the first gives this device's recipient. */
export async function readIdentityFile(path: string): Promise<DeviceIdentity> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new CliError("IDENTITY_MISSING", `No identity at ${path}; create one with \`superdist keygen\`.`, {
      cause,
    });
  }
  const identities = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("AGE-SECRET-KEY-1"));
  if (identities.length === 0) {
    throw new CliError("IDENTITY_MISSING", `${path} holds no age X25519 identity (AGE-SECRET-KEY-1…).`);
  }
  return { identities, recipient: await identityToRecipient(identities[0]) };
}
