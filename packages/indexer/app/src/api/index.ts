import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client, graphql } from "ponder";

// Reads go through `@ponder/client`'s SQL over HTTP (`/sql/*`): read-only statements, checked against an allow
// list by Ponder, run in a read-only transaction. GraphQL stays for ad-hoc exploration.
const app = new Hono();
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

export default app;
