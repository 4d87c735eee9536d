import type { Metadata } from "next";
import { RewardsView } from "../../views/RewardsView.tsx";

export const metadata: Metadata = { title: "Rewards" };

export default function RewardsPage() {
  return <RewardsView />;
}
