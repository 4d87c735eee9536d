import Link from "next/link";
import { EmptyState } from "../components/EmptyState.tsx";

export default function NotFound() {
  return (
    <EmptyState title="Nothing here">
      <p>
        This page does not exist. <Link href="/">Browse the catalog</Link>.
      </p>
    </EmptyState>
  );
}
