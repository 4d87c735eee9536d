import { decodeBase64, encodeBase64 } from "./base64.ts";
import { isVerifierErrorCode, VerifierError } from "./errors.ts";

// Imported by the browser: nothing here may depend on node-only modules.

export { VerifierError, type VerifierErrorCode, verifierErrorStatus } from "./errors.ts";
export {
  headerHash,
  maxDeadlineAheadSeconds,
  type RekeyTypedDataParameters,
  rekeyDeadline,
  rekeyDigest,
  rekeyDomain,
  rekeyTypedData,
  rekeyTypes,
} from "./typedData.ts";

export type RequestRekeyParameters = {
  /** One verifier URL, or replicas tried in order until one answers. */
  verifierUrl?: string | undefined;
  verifierUrls?: readonly string[] | undefined;
  /** The package header exactly as signed. */
  header: Uint8Array;
  tokenId: bigint;
  recipient: string;
  deadline: bigint;
  /** The EIP-712 signature, `0x`-hex; typed as a plain string because ethers returns one, and the verifier checks it. */
  signature: string;
  /** Per attempt, in milliseconds (default 10 s). */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
};

export type RequestRekeyReturnType = {
  /** The new header, to be spliced in front of the untouched payload. */
  header: Uint8Array;
  /** The verifier that answered. */
  url: string;
};

/**
 * Asks a verifier to re-key a header for the owner of `tokenId`.
 *
 * Replicas are interchangeable, so an unreachable one, a timeout, a 5xx or a 429 moves on to the next URL; any
 * other refusal is final, as every replica would give the same answer.
 *
 * @throws {VerifierError} with the server's `code`, or `NETWORK_ERROR` / `INVALID_RESPONSE`.
 */
export async function requestRekey(parameters: RequestRekeyParameters): Promise<RequestRekeyReturnType> {
  const urls = verifierUrlList(parameters);
  const body = JSON.stringify({
    header: encodeBase64(parameters.header),
    tokenId: parameters.tokenId.toString(),
    recipient: parameters.recipient,
    deadline: Number(parameters.deadline),
    signature: parameters.signature,
  });
  let lastError: VerifierError | undefined;
  for (const url of urls) {
    try {
      const response = await send(parameters, url, "/v1/rekey", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const header = typeof response?.header === "string" ? decodeBase64(response.header) : null;
      // Empty is no header either: spliced in front of the payload it would leave a file nothing can open.
      if (!header?.length)
        throw new VerifierError("INVALID_RESPONSE", "The verifier answered without a header.", { url });
      return { header, url };
    } catch (error) {
      const verifierError = toVerifierError(error, url);
      if (!isRetryable(verifierError)) throw verifierError;
      lastError = verifierError;
    }
  }
  throw lastError ?? new VerifierError("NETWORK_ERROR", "No verifier URL was given.");
}

export type VerifierInfo = {
  /** The age recipient publishers put on chain as the content's `verifierRecipient`. */
  recipient: string;
  chainId: number;
  market: string;
  /** Blocks a purchase must be deep before this verifier serves its license. */
  confirmations: number;
  /** The replica that answered. */
  url: string;
};

/** What a verifier says of itself: its recipient, its chain and market, and its confirmation depth. */
export async function getVerifierInfo(
  parameters: Pick<RequestRekeyParameters, "verifierUrl" | "verifierUrls" | "timeoutMs" | "fetch">,
): Promise<VerifierInfo> {
  let lastError: VerifierError | undefined;
  for (const url of verifierUrlList(parameters)) {
    try {
      const response = await send(parameters, url, "/v1/recipient", { method: "GET" });
      if (typeof response?.recipient !== "string") {
        throw new VerifierError("INVALID_RESPONSE", "The verifier answered without a recipient.", { url });
      }
      const confirmations = Number(response.confirmations ?? 0);
      return {
        recipient: response.recipient,
        chainId: Number(response.chainId),
        market: String(response.market ?? ""),
        confirmations: Number.isSafeInteger(confirmations) && confirmations >= 0 ? confirmations : 0,
        url,
      };
    } catch (error) {
      const verifierError = toVerifierError(error, url);
      if (!isRetryable(verifierError)) throw verifierError;
      lastError = verifierError;
    }
  }
  throw lastError ?? new VerifierError("NETWORK_ERROR", "No verifier URL was given.");
}

/** The verifier's age recipient, which publishers put on chain as the content's `verifierRecipient`. */
export async function getVerifierRecipient(
  parameters: Pick<RequestRekeyParameters, "verifierUrl" | "verifierUrls" | "timeoutMs" | "fetch">,
): Promise<string> {
  return (await getVerifierInfo(parameters)).recipient;
}

function verifierUrlList(parameters: Pick<RequestRekeyParameters, "verifierUrl" | "verifierUrls">): string[] {
  return [...(parameters.verifierUrls ?? []), ...(parameters.verifierUrl ? [parameters.verifierUrl] : [])];
}

function isRetryable(error: VerifierError): boolean {
  return error.status >= 500 || error.status === 429;
}

type ResponseJson = Record<string, unknown> | undefined;

async function send(
  parameters: Pick<RequestRekeyParameters, "timeoutMs" | "fetch">,
  url: string,
  path: string,
  init: RequestInit,
): Promise<ResponseJson> {
  const doFetch = parameters.fetch ?? globalThis.fetch;
  let response: Response;
  let json: unknown;
  try {
    response = await doFetch(`${url.replace(/\/+$/, "")}${path}`, {
      ...init,
      signal: AbortSignal.timeout(parameters.timeoutMs ?? 10_000),
    });
    json = await response.json().catch(() => undefined);
  } catch (cause) {
    throw new VerifierError("NETWORK_ERROR", "The verifier could not be reached.", {
      url,
      cause,
      details: cause instanceof Error ? cause.message : String(cause),
    });
  }
  const object = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : undefined;
  if (response.ok) return object;
  const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
  if (object && isVerifierErrorCode(object.code)) {
    throw new VerifierError(object.code, typeof object.message === "string" ? object.message : object.code, {
      url,
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
    });
  }
  throw new VerifierError("INVALID_RESPONSE", `The verifier answered HTTP ${response.status}.`, {
    url,
    details: `status ${response.status}`,
  });
}

function toVerifierError(error: unknown, url: string): VerifierError {
  if (error instanceof VerifierError) return error;
  return new VerifierError("INVALID_RESPONSE", "The verifier's answer could not be read.", {
    url,
    cause: error,
  });
}
