import type { Metadata } from "next";
import { OpenView } from "../../views/OpenView.tsx";

export const metadata: Metadata = { title: "Open a file" };

export default function OpenPage() {
  return <OpenView />;
}
