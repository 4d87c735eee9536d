import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ContentPageView } from "../../../views/ContentPageView.tsx";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ ref?: string | string[] }>;
};

function parseId(value: string | undefined): bigint | null {
  return value !== undefined && /^[1-9][0-9]{0,76}$/.test(value) ? BigInt(value) : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Content #${(await params).id}` };
}

export default async function ContentPage({ params, searchParams }: Props) {
  const contentId = parseId((await params).id);
  if (contentId === null) notFound();
  const { ref } = await searchParams;
  const referrer = parseId(Array.isArray(ref) ? ref[0] : ref);
  return <ContentPageView contentId={contentId.toString()} referrerTokenId={referrer?.toString() ?? null} />;
}
