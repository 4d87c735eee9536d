import type { Address, Client } from "viem";
import { readContract } from "viem/actions";

const permitAbi = [
  {
    type: "function",
    name: "nonces",
    stateMutability: "view",
    inputs: [{ name: "owner", type: "address" }],
    outputs: [{ type: "uint256" }],
  },
  {
    type: "function",
    name: "eip712Domain",
    stateMutability: "view",
    inputs: [],
    outputs: [
      { name: "fields", type: "bytes1" },
      { name: "name", type: "string" },
      { name: "version", type: "string" },
      { name: "chainId", type: "uint256" },
      { name: "verifyingContract", type: "address" },
      { name: "salt", type: "bytes32" },
      { name: "extensions", type: "uint256[]" },
    ],
  },
] as const;

export type PermitTypedDataParameters = {
  token: Address;
  owner: Address;
  spender: Address;
  value: bigint;
  deadline: bigint;
};

/**
 * The EIP-2612 permit to sign for `token`, or `undefined` when the token does not support permit (then the buyer
 * approves first). Detection reads `nonces` and the ERC-5267 domain, which OpenZeppelin's ERC20Permit exposes.
 */
export async function getPermitTypedData(client: Client, p: PermitTypedDataParameters) {
  try {
    const [nonce, domain] = await Promise.all([
      readContract(client, { address: p.token, abi: permitAbi, functionName: "nonces", args: [p.owner] }),
      readContract(client, { address: p.token, abi: permitAbi, functionName: "eip712Domain" }),
    ]);
    const [, name, version, chainId, verifyingContract] = domain;
    return {
      domain: { name, version, chainId: Number(chainId), verifyingContract },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: p.owner, spender: p.spender, value: p.value, nonce, deadline: p.deadline },
    } as const;
  } catch {
    return undefined;
  }
}
