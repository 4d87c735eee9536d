import type { Metadata } from "next";
import { PublishView } from "../../views/PublishView.tsx";

export const metadata: Metadata = { title: "Publish" };

export default function PublishPage() {
  return <PublishView />;
}
