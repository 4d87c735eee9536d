import { LoadingCards } from "../components/EmptyState.tsx";

export default function Loading() {
  return <LoadingCards />;
}
