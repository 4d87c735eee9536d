import type { IncomingMessage } from "node:http";
import { identityToRecipient } from "@superdist/package";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import type { Hex } from "viem";
import { z } from "zod";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { ChainReader, chainRetryAfterSeconds } from "./chain.ts";
import { type ResolvedVerifierConfig, resolveConfig, type VerifierConfig } from "./config.ts";
import { VerifierError } from "./errors.ts";
import { importIdentityKey } from "./identity.ts";
import { renderMetrics, VerifierMetrics } from "./metrics.ts";
import { RateLimiter } from "./rateLimit.ts";
import { type RekeyContext, rateLimited, rekey } from "./rekey.ts";
import { ServedRequests } from "./servedRequests.ts";

type VerifierEnv = {
  // Absent when the app is called in-process through `app.fetch`.
  Bindings: { incoming?: IncomingMessage };
  Variables: { errorCode?: string; logFields?: Record<string, string> };
};

export type VerifierApp = {
  /** The Hono app; `app.fetch` serves requests in-process. */
  app: Hono<VerifierEnv>;
  /** The age recipient of the current identity, to publish as the content's `verifierRecipient`. */
  recipient: string;
  config: ResolvedVerifierConfig;
  logger: Logger;
  /** This process's counters. */
  metrics: VerifierMetrics;
  close(): Promise<void>;
};

const routes = ["/v1/rekey", "/v1/recipient", "/health", "/metrics"] as const;
const methods = new Set(["GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE", "PATCH"]);
const maxUint256 = 2n ** 256n - 1n;

const rekeyBody = z.strictObject({
  header: z.string().min(1),
  // Canonical form only: "01" and "1" name the same token, and one request has one spelling.
  tokenId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "a decimal string without leading zeros"),
  recipient: z.string().max(200),
  deadline: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  // 64 (EIP-2098) or 65 bytes for an EOA; smart accounts (ERC-1271, ERC-6492 wrapped) may send more.
  signature: z.string().regex(/^0x(?:[0-9a-fA-F]{2}){64,4096}$/, "0x-prefixed hex bytes"),
});

/** Builds the verifier service without listening, so tests and the local stack can run it in-process. */
export async function createVerifierApp(config: VerifierConfig): Promise<VerifierApp> {
  const resolved = resolveConfig(config);
  const logger = resolved.logger;
  const recipient = await identityToRecipient(resolved.identities[0]);
  const chain = new ChainReader({
    rpcUrl: resolved.rpcUrl,
    chainId: resolved.chainId,
    market: resolved.market,
    confirmations: resolved.confirmations,
    timeoutMs: resolved.rpcTimeoutMs,
    batchWaitMs: resolved.rpcBatchWaitMs,
    signatureCallGas: resolved.limits.signatureCallGas,
  });
  const perIp = new RateLimiter(resolved.rateLimits.perIp);
  const perToken = new RateLimiter(resolved.rateLimits.perToken);
  const metrics = new VerifierMetrics();
  const rekeyContext: RekeyContext = {
    chain,
    chainId: resolved.chainId,
    market: resolved.market,
    identities: await Promise.all(resolved.identities.map(importIdentityKey)),
    recipient,
    limits: resolved.limits,
    perToken,
    served: new ServedRequests(),
    perClientCalls: new RateLimiter(resolved.signatureCallRate),
  };

  const app = new Hono<VerifierEnv>();

  app.use("*", async (c, next) => {
    const started = performance.now();
    // Read now: once the client has gone, its socket no longer knows the address.
    const ip = clientIp(c, resolved.trustProxy);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = (routes as readonly string[]).includes(c.req.path) ? c.req.path : "unmatched";
    const method = methods.has(c.req.method) ? c.req.method : "OTHER";
    // A client that hung up (mid-body, or before its answer) will read no status: it is neither a refusal nor an
    // error of ours, and counting it as either would hide the ones that are.
    if (c.env?.incoming?.socket?.destroyed) {
      metrics.observeDisconnect(route);
      logger.info({ route, method, ms: Math.round(seconds * 10_000) / 10, ip }, "client disconnected");
      return;
    }
    metrics.observeRequest(route, method, c.res.status, seconds);
    const code = c.get("errorCode");
    if (code) metrics.observeRejection(code);
    if (route === "/metrics" || route === "/health") return;
    logger.info(
      {
        route,
        method,
        status: c.res.status,
        ms: Math.round(seconds * 10_000) / 10,
        ip,
        code,
        ...c.get("logFields"),
      },
      "request",
    );
  });

  // Browsers call the verifier from the dApp's origin; requests carry no cookies, the signature is the credential.
  // Not Hono's cors: it sets its headers on `c.res` before the handler runs, and Hono then copies the handler's
  // response into a new one, body and all, through the web streams of a full Response. Headers set with
  // `c.header` before `next` go into the response as the handler builds it.
  app.use("/v1/*", async (c, next) => {
    c.header("Access-Control-Allow-Origin", "*");
    c.header("Access-Control-Expose-Headers", "Retry-After");
    if (c.req.method !== "OPTIONS") return next();
    const requested = c.req.header("access-control-request-headers");
    return c.body(null, 204, {
      "Access-Control-Max-Age": "600",
      "Access-Control-Allow-Methods": "GET,POST",
      ...(requested
        ? {
            "Access-Control-Allow-Headers": requested
              .split(",")
              .map((h) => h.trim())
              .join(","),
            Vary: "Access-Control-Request-Headers",
          }
        : {}),
    });
  });

  app.use("/v1/*", async (c, next) => {
    const decision = perIp.take(clientIp(c, resolved.trustProxy));
    if (!decision.allowed) return errorResponse(c, rateLimited(decision.retryAfterSeconds, "this address"));
    await next();
  });

  const bodyTooLarge = (c: Context<VerifierEnv>) =>
    errorResponse(
      c,
      new VerifierError("BODY_TOO_LARGE", `The body exceeds ${resolved.limits.maxBodyBytes} bytes.`),
    );
  const limitBody = bodyLimit({ maxSize: resolved.limits.maxBodyBytes, onError: bodyTooLarge });

  app.post(
    "/v1/rekey",
    async (c, next) => {
      // With a Content-Length the HTTP parser reads no more than it announces, so the header is the whole check.
      // Hono's bodyLimit would first make the request a full Request with a web stream for its body, which then
      // costs more to read than the rest of the route.
      const length = c.req.header("content-length");
      if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
        if (Number.parseInt(length, 10) > resolved.limits.maxBodyBytes) return bodyTooLarge(c);
        return next();
      }
      // A body without Content-Length is read here: a client breaking off mid-body is its fault, as it is when
      // the handler reads a body of announced length, not an internal error.
      try {
        return await limitBody(c, next);
      } catch {
        return errorResponse(c, new VerifierError("INVALID_REQUEST", "The body could not be read."));
      }
    },
    async (c) => {
      let text: string;
      try {
        text = await c.req.text();
      } catch {
        return errorResponse(c, new VerifierError("INVALID_REQUEST", "The body could not be read."));
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return errorResponse(c, new VerifierError("INVALID_JSON", "The body is not JSON."));
      }
      const parsed = rekeyBody.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join(".") : "body";
        return errorResponse(
          c,
          new VerifierError("INVALID_REQUEST", `Invalid ${where}: ${issue?.message ?? "bad value"}.`),
        );
      }
      const body = parsed.data;
      const tokenId = BigInt(body.tokenId);
      if (tokenId > maxUint256) {
        return errorResponse(c, new VerifierError("INVALID_REQUEST", "Invalid tokenId: above uint256."));
      }
      c.set("logFields", {
        tokenId: body.tokenId,
        recipient: body.recipient,
        signature: truncate(body.signature),
      });
      // Base64 inflates by 4/3: a longer string cannot decode to an acceptable header.
      if (body.header.length > Math.ceil(resolved.limits.maxHeaderBytes / 3) * 4) {
        return errorResponse(
          c,
          new VerifierError(
            "HEADER_TOO_LARGE",
            `The header exceeds ${resolved.limits.maxHeaderBytes} bytes.`,
          ),
        );
      }
      const header = decodeBase64(body.header);
      if (!header) return errorResponse(c, new VerifierError("INVALID_BASE64", "The header is not base64."));
      try {
        const result = await rekey(rekeyContext, {
          header,
          tokenId,
          recipient: body.recipient,
          deadline: BigInt(body.deadline),
          signature: body.signature as Hex,
          client: clientIp(c, resolved.trustProxy),
        });
        metrics.observeRekey();
        c.set("logFields", {
          ...c.get("logFields"),
          contentId: result.contentId.toString(),
          owner: result.owner,
        });
        return c.json({ header: encodeBase64(result.header) });
      } catch (error) {
        if (error instanceof VerifierError) return errorResponse(c, error);
        throw error;
      }
    },
  );

  // What a client checks before its user pays: that this is the content's verifier, and how deep a purchase must
  // be before it is served.
  app.get("/v1/recipient", (c) =>
    c.json({
      recipient,
      chainId: resolved.chainId,
      market: resolved.market,
      confirmations: resolved.confirmations,
    }),
  );

  app.get("/health", async (c) => {
    try {
      const status = await chain.status();
      const healthy = status.chainId === resolved.chainId;
      return c.json(
        {
          status: healthy ? "ok" : "wrong-chain",
          chainId: status.chainId,
          blockNumber: status.blockNumber.toString(),
          market: resolved.market,
          recipient,
        },
        healthy ? 200 : 503,
      );
    } catch (error) {
      c.header("Retry-After", String(chainRetryAfterSeconds));
      return c.json(
        {
          status: "chain-unavailable",
          code: error instanceof VerifierError ? error.code : "CHAIN_UNAVAILABLE",
        },
        503,
      );
    }
  });

  const collectMetrics = config.collectMetrics;
  app.get("/metrics", async (c) => {
    const text = collectMetrics ? renderMetrics(await collectMetrics(metrics.snapshot())) : metrics.render();
    return c.text(text, 200, { "content-type": "text/plain; version=0.0.4" });
  });

  for (const route of routes) {
    app.all(route, (c) => errorResponse(c, new VerifierError("METHOD_NOT_ALLOWED", "Method not allowed.")));
  }

  app.notFound((c) => errorResponse(c, new VerifierError("NOT_FOUND", "No such route.")));

  app.onError((error, c) => {
    if (error instanceof VerifierError) return errorResponse(c, error);
    logger.error(
      { err: { name: error.name, message: error.message, stack: error.stack } },
      "unexpected error",
    );
    return errorResponse(c, new VerifierError("INTERNAL", "Internal error."));
  });

  return {
    app,
    recipient,
    config: resolved,
    logger,
    metrics,
    close: async () => chain.close(),
  };
}

function errorResponse(c: Context<VerifierEnv>, error: VerifierError): Response {
  c.set("errorCode", error.code);
  if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
  return c.json({ code: error.code, message: error.shortMessage }, error.status as ContentfulStatusCode);
}

// Enough to correlate with the client's logs, too little to replay.
function truncate(signature: string): string {
  return signature.length > 18 ? `${signature.slice(0, 10)}…${signature.slice(-4)}` : signature;
}

function clientIp(c: Context<VerifierEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last) return last.slice(0, 64);
  }
  return c.env?.incoming?.socket?.remoteAddress ?? "in-process";
}
