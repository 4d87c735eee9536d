import { type Address, type Client, getAddress, type Hex } from "viem";
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

/**
 * A token's ERC-5267 `eip712Domain()` answer. viem returns it as this tuple and ethers as a `Result`, which
 * destructures the same way, so either can be passed as it is.
 */
export type Erc5267Domain = readonly [
  fields: string,
  name: string,
  version: string,
  chainId: bigint,
  verifyingContract: string,
  salt: string,
  extensions: readonly bigint[],
];

/** An EIP-712 domain with only the fields the contract declared. */
export type PermitDomain = {
  name?: string;
  version?: string;
  chainId?: number;
  verifyingContract?: Address;
  salt?: Hex;
};

export type PermitTypedDataParameters = {
  eip712Domain: Erc5267Domain;
  /** The owner's current `nonces(owner)`. */
  nonce: bigint;
  // Plain strings, as ethers hands out addresses; they are checked and checksummed here.
  owner: string;
  spender: string;
  value: bigint;
  /** Unix seconds. */
  deadline: bigint;
};

export type PermitTypedDataReturnType = ReturnType<typeof permitTypedData>;

const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * The EIP-2612 permit to sign, from values the caller has read with any library: viem's `signTypedData` takes it
 * as it is, ethers' through `toEthersTypedData`.
 *
 * @throws when the domain declares ERC-5267 extensions, which a client has to know to sign correctly.
 */
export function permitTypedData(p: PermitTypedDataParameters) {
  const [fields, name, version, chainId, verifyingContract, salt, extensions] = p.eip712Domain;
  if (extensions.length > 0)
    throw new Error("The token's EIP-712 domain declares extensions; sign with approve.");
  // ERC-5267: bit i of `fields` says whether the i-th domain field is part of the domain at all. A token that
  // leaves out `version`, or adds a salt, signs a different digest, so copying all five would make a bad permit.
  const present = Number.parseInt(fields, 16);
  const domain: PermitDomain = {};
  if (present & 0x01) domain.name = name;
  if (present & 0x02) domain.version = version;
  if (present & 0x04) domain.chainId = Number(chainId);
  if (present & 0x08) domain.verifyingContract = getAddress(verifyingContract);
  if (present & 0x10) domain.salt = salt as Hex;
  return {
    domain,
    types: permitTypes,
    primaryType: "Permit",
    message: {
      owner: getAddress(p.owner),
      spender: getAddress(p.spender),
      value: p.value,
      nonce: p.nonce,
      deadline: p.deadline,
    },
  } as const;
}

export type GetPermitTypedDataParameters = {
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
export async function getPermitTypedData(
  client: Client,
  p: GetPermitTypedDataParameters,
): Promise<PermitTypedDataReturnType | undefined> {
  try {
    const [nonce, eip712Domain] = await Promise.all([
      readContract(client, { address: p.token, abi: permitAbi, functionName: "nonces", args: [p.owner] }),
      readContract(client, { address: p.token, abi: permitAbi, functionName: "eip712Domain" }),
    ]);
    return permitTypedData({ ...p, eip712Domain, nonce });
  } catch {
    return undefined;
  }
}
