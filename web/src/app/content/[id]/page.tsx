import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { ContentPageView } from "../../../views/ContentPageView.tsx";
import { parseContentId, readContentPreview } from "./contentPreview.ts";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ ref?: string | string[] }>;
};

/** Where this server is reached, so that a preview's image URL works from wherever the link was pasted. */
async function requestOrigin(): Promise<URL> {
  const request = await headers();
  const host = request.get("x-forwarded-host") ?? request.get("host") ?? "127.0.0.1";
  const protocol = request.get("x-forwarded-proto") ?? "http";
  return new URL(`${protocol}://${host}`);
}

// A missing content never gets here: the proxy answers 404 for it.
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const contentId = parseContentId(id);
  if (contentId === null) notFound();
  const preview = await readContentPreview(contentId);
  if (preview.status !== "found") return { title: `Content #${contentId}` };
  const description = preview.description
    ? `${preview.price} · ${preview.description}`
    : `${preview.price}. Buy a license; pass your copy on and earn when friends buy through it.`;
  const images = preview.image
    ? [{ url: `/content/${contentId}/cover`, alt: `Cover of ${preview.title}` }]
    : [];
  // Without `?ref=`: the page a preview stands for is the content, whoever's link it was.
  const url = `/content/${contentId}`;
  return {
    metadataBase: await requestOrigin(),
    title: preview.title,
    description,
    alternates: { canonical: url },
    openGraph: { type: "website", url, title: preview.title, description, images, siteName: "Superdist" },
    twitter: {
      card: images.length > 0 ? "summary_large_image" : "summary",
      title: preview.title,
      description,
      images,
    },
    other: {
      "product:price:amount": preview.amount,
      "product:price:currency": preview.symbol,
      "twitter:label1": "Price",
      "twitter:data1": preview.price,
    },
  };
}

export default async function ContentPage({ params, searchParams }: Props) {
  const contentId = parseContentId((await params).id);
  if (contentId === null) notFound();
  const { ref } = await searchParams;
  const referrer = parseContentId(Array.isArray(ref) ? ref[0] : ref);
  return <ContentPageView contentId={contentId.toString()} referrerTokenId={referrer?.toString() ?? null} />;
}
