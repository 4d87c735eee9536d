import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { HttpRequestError, RpcRequestError, TimeoutError } from "viem";

export type JsonRpcBatcherParameters = {
  url: string;
  /** How long one batch may take, from sending it to its last byte of answer. */
  timeoutMs: number;
  /** How long a call waits for others to share its batch. */
  waitMs: number;
};

type Call = {
  id: number;
  method: string;
  params: unknown[];
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
};

type Answer = { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };

// viem's own limit on one batch.
const maxBatchSize = 1000;

/**
 * JSON-RPC for the read every re-key makes: the calls of concurrent requests within `waitMs` go out as one batch,
 * over node:http with kept-alive connections. viem's transport does the same through fetch, whose Request,
 * Headers and web-stream bodies cost several times the CPU of the read on a busy verifier. Failures are viem's
 * errors (HttpRequestError, TimeoutError, RpcRequestError for a call the node refused), so they are judged as
 * viem's would be.
 */
export class JsonRpcBatcher {
  readonly #url: URL;
  readonly #timeoutMs: number;
  readonly #waitMs: number;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  #queue: Call[] = [];
  #timer: NodeJS.Timeout | undefined;
  #nextId = 0;

  constructor(parameters: JsonRpcBatcherParameters) {
    this.#url = new URL(parameters.url);
    this.#timeoutMs = parameters.timeoutMs;
    this.#waitMs = parameters.waitMs;
    const https = this.#url.protocol === "https:";
    this.#agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.#request = https ? httpsRequest : httpRequest;
  }

  request(method: string, params: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, method, params, resolve, reject });
      if (this.#queue.length >= maxBatchSize) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#waitMs);
    });
  }

  /** Closes the kept-alive connections; calls still queued fail. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queued = this.#queue;
    this.#queue = [];
    for (const call of queued) call.reject(new HttpRequestError({ details: "closed", url: this.#url.href }));
    this.#agent.destroy();
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const calls = this.#queue;
    this.#queue = [];
    const body = calls.map(({ id, method, params }) => ({ jsonrpc: "2.0", id, method, params }));
    this.#post(body).then(
      (answers) => {
        const byId = new Map<unknown, Answer>();
        if (Array.isArray(answers)) for (const answer of answers as Answer[]) byId.set(answer?.id, answer);
        // A node that refuses the whole batch answers with one error (some as a one-element array), for every call.
        const whole = wholeBatchError(answers, calls.length);
        for (const [index, call] of calls.entries()) {
          const answer = whole ?? byId.get(call.id);
          if (answer?.error) {
            call.reject(new RpcRequestError({ body: body[index], error: answer.error, url: this.#url.href }));
          } else if (answer && "result" in answer) {
            call.resolve(answer.result);
          } else {
            call.reject(
              new HttpRequestError({
                body: body[index],
                details: "The batch's answer has no answer to this call.",
                url: this.#url.href,
              }),
            );
          }
        }
      },
      (error: Error) => {
        for (const call of calls) call.reject(error);
      },
    );
  }

  /** A kept-alive connection the node closed just as it was reused is tried once more: `eth_call` is safe to repeat. */
  async #post(body: Record<string, unknown>[]): Promise<unknown> {
    try {
      return await this.#postOnce(body);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.#postOnce(body).catch((retry: unknown) => {
        throw retry instanceof StaleSocketError ? retry.error : retry;
      });
    }
  }

  #postOnce(body: Record<string, unknown>[]): Promise<unknown> {
    const url = this.#url.href;
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = this.#request(
        this.#url,
        {
          method: "POST",
          agent: this.#agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", fail);
          response.on("end", () => {
            clearTimeout(timer);
            const answer = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299) {
              // A JSON-RPC error sent with an HTTP error status is still the node's answer, as viem reads it.
              const rpcAnswer = parseRpcAnswer(answer);
              if (rpcAnswer !== undefined) resolve(rpcAnswer);
              else
                reject(
                  new HttpRequestError({ body, details: answer || response.statusMessage, status, url }),
                );
              return;
            }
            try {
              resolve(JSON.parse(answer));
            } catch (cause) {
              reject(new HttpRequestError({ body, cause: cause as Error, details: "not JSON", status, url }));
            }
          });
        },
      );
      const timer = setTimeout(() => {
        reject(new TimeoutError({ body, url }));
        request.destroy();
      }, this.#timeoutMs);
      function fail(cause: Error): void {
        clearTimeout(timer);
        const error = new HttpRequestError({ body, cause, details: cause.message, url });
        const stale = request.reusedSocket && (cause as NodeJS.ErrnoException).code === "ECONNRESET";
        reject(stale ? new StaleSocketError(error) : error);
      }
      request.on("error", fail);
      request.end(text);
    });
  }
}

class StaleSocketError extends Error {
  readonly error: HttpRequestError;
  constructor(error: HttpRequestError) {
    super(error.message);
    this.error = error;
  }
}

function parseRpcAnswer(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    const answers = Array.isArray(parsed) ? parsed : [parsed];
    const isAnswer = (a: unknown) => typeof a === "object" && a !== null && ("error" in a || "result" in a);
    return answers.length > 0 && answers.every(isAnswer) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function wholeBatchError(answers: unknown, calls: number): Answer | undefined {
  if (!Array.isArray(answers))
    return (answers as Answer | undefined)?.error ? (answers as Answer) : undefined;
  const [only] = answers as Answer[];
  const anonymous = only?.id === undefined || only?.id === null;
  return answers.length === 1 && calls > 1 && only?.error && anonymous ? only : undefined;
}
