/** The accounts `hardhat node` funds, from Hardhat's public test mnemonic: for local chains only. */
import type { Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Account 0 deploys (and owns the demo token); the others are free to play roles. */
export const devPrivateKeys: Hex[] = Array.from({ length: 10 }, (_, i) => {
  const key = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i }).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}` as Hex;
});
