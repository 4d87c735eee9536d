import type {
  Abi,
  Account,
  Chain,
  Client,
  ContractFunctionArgs,
  ContractFunctionName,
  TransactionReceipt,
  Transport,
} from "viem";
import { simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { requireSuccess } from "./receipts.ts";
import type { OnStage, Operation } from "./stages.ts";

/** A client that signs: a viem wallet client, or wagmi's connector client. */
export type SignerClient = Client<Transport, Chain | undefined, Account>;

/** Reads and waits go here when given (an app's own RPC), otherwise through the signer's transport. */
export type ReadClient = Client;

type Write<abi extends Abi, name extends ContractFunctionName<abi, "nonpayable" | "payable">> = {
  address: `0x${string}`;
  abi: abi;
  functionName: name;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", name>;
  value?: bigint;
};

/**
 * Simulates (so that a revert is explained before anything is signed), sends, and waits for the receipt,
 * reporting each stage under `operation`.
 */
export async function transact<
  const abi extends Abi,
  name extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(
  client: SignerClient,
  reader: ReadClient,
  operation: Operation,
  request: Write<abi, name>,
  onStage: OnStage | undefined,
): Promise<TransactionReceipt> {
  onStage?.({ operation, status: "simulating" });
  const { request: simulated } = await simulateContract(reader, {
    ...request,
    account: client.account,
    chain: client.chain,
  } as unknown as Parameters<typeof simulateContract>[1]);
  onStage?.({ operation, status: "signing" });
  const hash = await writeContract(client, simulated as Parameters<typeof writeContract>[1]);
  onStage?.({ operation, status: "pending", hash });
  const receipt = await waitForTransactionReceipt(reader, { hash });
  requireSuccess(receipt, operation);
  onStage?.({ operation, status: "confirmed", hash, receipt });
  return receipt;
}
