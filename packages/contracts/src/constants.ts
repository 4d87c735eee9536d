import type { Address } from "viem";

/** The currency address that stands for ETH. */
export const ETH = "0x0000000000000000000000000000000000000000" as const satisfies Address;

/** The local Hardhat chain the local stack runs. */
export const LOCAL_CHAIN_ID = 31337;
