import type { Address } from "viem";
import { deployments } from "./deployments.generated.ts";

export { demoTokenAbi, superdistMarketAbi } from "./abi.generated.ts";
export { deployments };

/** Where the contracts of one chain live, and the block where event scans start. */
export type Deployment = {
  chainId: number;
  market: Address;
  demoToken?: Address;
  deployBlock: number;
};

export { ETH, LOCAL_CHAIN_ID } from "./constants.ts";

export class DeploymentNotFoundError extends Error {
  readonly code = "DEPLOYMENT_NOT_FOUND";
  constructor(chainId: number) {
    super(`No superdist deployment is known for chain ${chainId}; pass the market address explicitly.`);
    this.name = "DeploymentNotFoundError";
  }
}

/**
 * The deployment for `chainId`: the generated record, with any explicitly given address taking precedence
 * (a deployment on another network, or a test's fresh node).
 */
export function resolveDeployment(
  chainId: number,
  overrides: Partial<Omit<Deployment, "chainId">> = {},
): Deployment {
  const known = (deployments as Record<string, Deployment | undefined>)[String(chainId)];
  const market = overrides.market ?? known?.market;
  if (!market) throw new DeploymentNotFoundError(chainId);
  return {
    chainId,
    market,
    demoToken: overrides.demoToken ?? known?.demoToken,
    deployBlock: overrides.deployBlock ?? known?.deployBlock ?? 0,
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
export { getPermitTypedData, type PermitTypedDataParameters } from "./actions/permit.ts";
export {
  type PreviewPurchaseParameters,
  type PreviewPurchaseReturnType,
  previewPurchase,
} from "./actions/previewPurchase.ts";
export { type ContentMetadata, decodeMetadata, encodeMetadata } from "./metadata.ts";
export { type LevelShare, type PurchaseSplit, type SplitParameters, splitPurchase } from "./split.ts";
