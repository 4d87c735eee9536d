/** Calls the app in-process, as a client would over HTTP. */
export function postRekey(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  body: unknown,
): Promise<Response> {
  return Promise.resolve(
    app.fetch(
      new Request("http://verifier.test/v1/rekey", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body:
          typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      }),
    ),
  );
}
