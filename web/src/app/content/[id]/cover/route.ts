import { parseContentId, readContentPreview } from "../contentPreview.ts";

const DATA_IMAGE = /^data:(image\/[\w.+-]+)(;base64)?,(.*)$/s;

/** The cover a link preview shows: crawlers do not read the data URI the metadata holds. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const contentId = parseContentId(id);
  if (contentId === null) return new Response("no such content", { status: 404 });
  const preview = await readContentPreview(contentId);
  if (preview.status === "unreadable") return new Response("the chain did not answer", { status: 503 });
  const match = preview.status === "found" && preview.image ? DATA_IMAGE.exec(preview.image) : null;
  if (!match) return new Response("no cover", { status: 404 });
  const [, mediaType, base64, body] = match;
  const bytes = base64 ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body));
  return new Response(bytes, {
    headers: { "content-type": mediaType, "cache-control": "public, max-age=300" },
  });
}
