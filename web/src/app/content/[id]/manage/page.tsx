import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ManageView } from "../../../../views/ManageView.tsx";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Manage" };

export default async function ManagePage({ params }: Props) {
  const { id } = await params;
  if (!/^[1-9][0-9]{0,76}$/.test(id)) notFound();
  return <ManageView contentId={id} />;
}
