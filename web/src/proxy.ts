import { type NextRequest, NextResponse } from "next/server";
import { parseContentId, readContentPreview } from "./app/content/[id]/contentPreview.ts";

/**
 * A missing content answers 404 before anything renders. Pages stream behind the root loading state, so a
 * notFound() inside one answers 200; a path no route matches is the app's not-found page with a real 404. A chain
 * that does not answer is not a missing content: the page renders and says so itself.
 */
export async function proxy(request: NextRequest) {
  const contentId = parseContentId(request.nextUrl.pathname.split("/")[2]);
  if (contentId !== null && (await readContentPreview(contentId)).status !== "missing")
    return NextResponse.next();
  return NextResponse.rewrite(new URL("/_no-such-content", request.url));
}

export const config = { matcher: "/content/:id" };
