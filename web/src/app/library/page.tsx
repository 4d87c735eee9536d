import type { Metadata } from "next";
import { LibraryView } from "../../views/LibraryView.tsx";

export const metadata: Metadata = { title: "Library" };

export default function LibraryPage() {
  return <LibraryView />;
}
