import {
  type Address,
  BaseError,
  concatHex,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  erc6492SignatureValidatorAbi,
  erc6492SignatureValidatorByteCode,
  type Hex,
  HttpRequestError,
  hexToBool,
  isAddressEqual,
  isErc6492Signature,
  isErc8010Signature,
  type PublicClient,
  parseAbi,
  parseErc6492Signature,
  parseErc8010Signature,
  RpcRequestError,
  type SignedAuthorization,
  TimeoutError,
  zeroAddress,
} from "viem";
import { recoverAuthorizationAddress } from "viem/utils";
import type { ReadBlock } from "./chain.ts";
import { loadSignatureRecovery, type RecoverSigner } from "./recovery.ts";

/** Recovery by libsecp256k1 where its binding loads, by noble otherwise. */
export const defaultSignatureRecovery = loadSignatureRecovery();

/** Gas an `eth_call` checking a smart account's signature may burn; a wallet's check and deployment fit easily. */
export const defaultSignatureCallGas = 1_000_000;

const erc1271Abi = parseAbi([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);
const erc1271MagicValue = "0x1626ba7e";
// EIP-7702: the code of an EOA that delegated to `address`.
const delegationPrefix = "0xef0100";

export type VerifyOwnerSignatureParameters = {
  /** A client whose calls are not batched, so that a slow check never holds up another request's reads. */
  client: PublicClient;
  owner: Address;
  /** The EIP-712 digest the owner signed. */
  hash: Hex;
  signature: Hex;
  block: ReadBlock;
  /** Gas cap of every `eth_call` the check makes. */
  gas: bigint;
  /**
   * Called once, before the first `eth_call` the signature needs (smart accounts, ERC-6492, ERC-8010); it throws to
   * refuse the request, e.g. when its client has used up its budget of such calls.
   */
  beforeCall?: (() => void) | undefined;
  /** Recovers plain signatures (default: `defaultSignatureRecovery`). */
  recover?: RecoverSigner | undefined;
};

export type VerifyOwnerSignatureReturnType = boolean;

/**
 * Whether `owner` signed `hash`. A plain 65-byte or EIP-2098 64-byte signature is recovered locally, and for an
 * owner without code that is the whole answer. An owner with code (ERC-1271), an ERC-6492 signature (a
 * counterfactual account, whose factory the sender names) or an ERC-8010 one (an EIP-7702 delegation signed by the
 * owner's key) costs one `eth_call`, capped at `gas` because it runs code the sender may have chosen. Bytes that do
 * not parse as what they claim to be are no signature of the owner.
 *
 * @throws what the client throws when the chain cannot be read (not when a call reverts), and what `beforeCall`
 * throws.
 */
export async function verifyOwnerSignature(
  parameters: VerifyOwnerSignatureParameters,
): Promise<VerifyOwnerSignatureReturnType> {
  const { owner, hash, signature } = parameters;
  if (isAddressEqual(owner, zeroAddress)) return false;
  const recover = parameters.recover ?? defaultSignatureRecovery.recover;
  const recovered = await recover(hash, signature);
  if (recovered && isAddressEqual(recovered, owner)) return true;
  if (isErc8010Signature(signature)) return verifyErc8010(parameters);
  const wrapped = isErc6492Signature(signature);
  if (wrapped && !parsesAsErc6492(signature)) return false;
  const code = await parameters.client.getCode({ address: owner, ...parameters.block });
  const deployed = code !== undefined && code !== "0x";
  // An address without code speaks only through its key, unless it is a smart account yet to be deployed.
  if (!deployed && !wrapped) return false;
  parameters.beforeCall?.();
  if (wrapped) return validateErc6492(parameters);
  return isValidSignature(parameters, owner, signature, undefined);
}

function parsesAsErc6492(signature: Hex): boolean {
  try {
    parseErc6492Signature(signature);
    return true;
  } catch {
    return false;
  }
}

// The deployless ERC-6492 validator deploys the account through its factory when it has no code yet, then asks it.
async function validateErc6492(parameters: VerifyOwnerSignatureParameters): Promise<boolean> {
  const data = encodeDeployData({
    abi: erc6492SignatureValidatorAbi,
    bytecode: erc6492SignatureValidatorByteCode,
    args: [parameters.owner, parameters.hash, parameters.signature],
  });
  const result = await call(parameters, { data });
  if (result === undefined) return false;
  try {
    return hexToBool(result);
  } catch {
    return false;
  }
}

async function verifyErc8010(parameters: VerifyOwnerSignatureParameters): Promise<boolean> {
  let unwrapped: ReturnType<typeof parseErc8010Signature>;
  try {
    unwrapped = parseErc8010Signature(parameters.signature);
  } catch {
    return false;
  }
  const { authorization, data } = unwrapped;
  // Initialising the delegation takes a batch of calls, which needs a multicall contract this verifier does not
  // assume; such signatures are refused rather than half-checked.
  if (!authorization || (data !== undefined && data !== "0x")) return false;
  let authority: Address;
  try {
    authority = await recoverAuthorizationAddress({ authorization });
  } catch {
    return false;
  }
  // Only the owner's own key can delegate the owner's address, so a stranger's suffix costs no call.
  if (!isAddressEqual(authority, parameters.owner)) return false;
  const code = await parameters.client.getCode({ address: parameters.owner, ...parameters.block });
  const delegated =
    code?.toLowerCase() === concatHex([delegationPrefix, authorization.address]).toLowerCase();
  parameters.beforeCall?.();
  return isValidSignature(
    parameters,
    parameters.owner,
    unwrapped.signature,
    delegated ? undefined : authorization,
  );
}

async function isValidSignature(
  parameters: VerifyOwnerSignatureParameters,
  account: Address,
  signature: Hex,
  authorization: SignedAuthorization | undefined,
): Promise<boolean> {
  const result = await call(parameters, {
    to: account,
    data: encodeFunctionData({
      abi: erc1271Abi,
      functionName: "isValidSignature",
      args: [parameters.hash, signature],
    }),
    ...(authorization ? { authorizationList: [authorization] } : {}),
  });
  if (result === undefined) return false;
  try {
    const magic = decodeFunctionResult({ abi: erc1271Abi, functionName: "isValidSignature", data: result });
    return magic === erc1271MagicValue;
  } catch {
    return false;
  }
}

/** The call's return data, or undefined when the call itself failed (reverted, ran out of gas). */
async function call(
  parameters: VerifyOwnerSignatureParameters,
  request: { to?: Address; data: Hex; authorizationList?: SignedAuthorization[] },
): Promise<Hex | undefined> {
  try {
    const { data } = await parameters.client.call({
      ...request,
      gas: parameters.gas,
      ...parameters.block,
    } as Parameters<PublicClient["call"]>[0]);
    return data ?? "0x";
  } catch (error) {
    if (isExecutionFailure(error)) return undefined;
    throw error;
  }
}

// The node ran the call and it failed: a revert or running out of gas is the signature's fault. Anything else (no
// answer, a timeout, a node refusing work) says nothing about the signature.
function isExecutionFailure(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  if (error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError)) return false;
  const rpc = error.walk((e) => e instanceof RpcRequestError);
  if (!(rpc instanceof RpcRequestError)) return false;
  if (rpc.code === 3) return true;
  return (
    rpc.code === -32000 && /revert|out of gas|gas required exceeds/i.test(rpc.details ?? rpc.shortMessage)
  );
}
