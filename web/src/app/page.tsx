import { CatalogView } from "../views/CatalogView.tsx";

export default function CatalogPage() {
  return <CatalogView />;
}
