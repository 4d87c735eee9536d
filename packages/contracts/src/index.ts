import { SuperdistError } from "@superdist/errors";
import type { Address } from "viem";
import generated from "./deployments.generated.json" with { type: "json" };

export { demoTokenAbi, superdistMarketAbi } from "./abi.generated.ts";

/** Where the contracts of one chain live, and the block where event scans start. */
export type Deployment = {
  chainId: number;
  market: Address;
  demoToken?: Address;
  deployBlock: number;
};

/**
 * Every deployment `scripts/deploy.ts` has recorded, keyed by chain id. The cast is there because JSON knows
 * no address type.
 */
export const deployments = generated as Readonly<Record<string, Deployment>>;

export { ETH, LOCAL_CHAIN_ID } from "./constants.ts";

export class DeploymentNotFoundError extends SuperdistError<"DEPLOYMENT_NOT_FOUND"> {
  override name = "DeploymentNotFoundError";
  constructor(chainId: number) {
    super(
      "DEPLOYMENT_NOT_FOUND",
      `No superdist deployment is known for chain ${chainId}; pass the market address explicitly.`,
    );
  }
}

/**
 * The deployment for `chainId`: the generated record, with any explicitly given address taking precedence
 * (a deployment on another network, or a test's fresh node). The record's deploy block belongs to the record's
 * market only: another market's event scans start at its own block, given, or at 0.
 */
export function resolveDeployment(
  chainId: number,
  overrides: Partial<Omit<Deployment, "chainId">> = {},
): Deployment {
  const known: Deployment | undefined = deployments[String(chainId)];
  const market = overrides.market ?? known?.market;
  if (!market) throw new DeploymentNotFoundError(chainId);
  const recorded =
    known !== undefined && known.market.toLowerCase() === market.toLowerCase() ? known : undefined;
  return {
    chainId,
    market,
    demoToken: overrides.demoToken ?? recorded?.demoToken,
    deployBlock: overrides.deployBlock ?? recorded?.deployBlock ?? 0,
  };
}

export {
  type GetAccountActivityParameters,
  type GetAccountActivityReturnType,
  getAccountActivity,
  type LicenseNode,
  type RewardCredit,
} from "./actions/getAccountActivity.ts";
export { type GetContentParameters, type GetContentReturnType, getContent } from "./actions/getContent.ts";
export { type Currency, getCurrency } from "./actions/getCurrency.ts";
export {
  type GetLineageParameters,
  type GetLineageReturnType,
  getLineage,
  type LineageEntry,
} from "./actions/getLineage.ts";
export {
  type GetOwnedLicensesParameters,
  getOwnedLicenses,
  type OwnedLicense,
} from "./actions/getOwnedLicenses.ts";
export {
  type Erc5267Domain,
  type GetPermitTypedDataParameters,
  getPermitTypedData,
  type PermitDomain,
  type PermitTypedDataParameters,
  type PermitTypedDataReturnType,
  permitTypedData,
} from "./actions/permit.ts";
export {
  type PreviewPurchaseParameters,
  type PreviewPurchaseReturnType,
  previewPurchase,
} from "./actions/previewPurchase.ts";
export { amendMetadata, type ContentMetadata, decodeMetadata, encodeMetadata } from "./metadata.ts";
export { type LevelShare, type PurchaseSplit, type SplitParameters, splitPurchase } from "./split.ts";

/** EIP-712 typed data in viem's shape, as `permitTypedData` and the verifier's `rekeyTypedData` return it. */
export type TypedDataDefinition = {
  domain: {
    name?: string;
    version?: string;
    chainId?: number | bigint;
    verifyingContract?: string;
    salt?: string | Uint8Array;
  };
  types: { readonly [type: string]: readonly { readonly name: string; readonly type: string }[] };
  primaryType: string;
  message: Record<string, unknown>;
};

/** The arguments of ethers' `signer.signTypedData(domain, types, value)`. */
export type EthersTypedData = {
  domain: TypedDataDefinition["domain"];
  types: Record<string, { name: string; type: string }[]>;
  value: Record<string, unknown>;
};

const domainFields = ["name", "version", "chainId", "verifyingContract", "salt"] as const;

/**
 * The same typed data for ethers v6, which takes no `primaryType`: it infers it as the one type nothing else
 * references, and refuses an `EIP712Domain` entry (it derives that from the domain). So only the types reachable
 * from `primaryType` are kept, as fresh mutable arrays, which is also what its `TypedDataField[]` parameter needs.
 */
export function toEthersTypedData(typedData: TypedDataDefinition): EthersTypedData {
  const types: EthersTypedData["types"] = {};
  const visit = (type: string) => {
    if (type === "EIP712Domain" || Object.hasOwn(types, type) || !Object.hasOwn(typedData.types, type))
      return;
    const fields = typedData.types[type] ?? [];
    types[type] = fields.map(({ name, type }) => ({ name, type }));
    for (const field of fields) visit(field.type.replace(/(\[\d*\])+$/, ""));
  };
  visit(typedData.primaryType);
  if (!Object.hasOwn(types, typedData.primaryType)) {
    throw new Error(`The typed data has no type ${typedData.primaryType} to sign.`);
  }
  // ethers throws on a domain key it does not know, so only the five EIP-712 fields are carried over.
  const domain: EthersTypedData["domain"] = {};
  for (const field of domainFields) {
    const value = typedData.domain[field];
    if (value !== undefined) Object.assign(domain, { [field]: value });
  }
  return { domain, types, value: { ...typedData.message } };
}
