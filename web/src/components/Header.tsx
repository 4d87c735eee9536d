"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { ConnectButton } from "./ConnectButton.tsx";

const links = [
  { href: "/", label: "Catalog" },
  { href: "/open", label: "Open a file" },
  { href: "/library", label: "Library" },
  { href: "/rewards", label: "Rewards" },
  { href: "/publish", label: "Publish" },
] as const;

function isCurrent(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/" || pathname.startsWith("/content/");
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function Header() {
  const pathname = usePathname();
  // On a phone the links fold into a menu, which closes once it has taken the user somewhere.
  const [open, setOpen] = useState(false);
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link href="/" className="brand">
          <span aria-hidden="true" className="brand-mark">
            ◆
          </span>
          Superdist
        </Link>
        <nav aria-label="Main" className={`main-nav${open ? " open" : ""}`}>
          <button
            type="button"
            className="button ghost menu-button"
            aria-label="Menu"
            aria-expanded={open}
            aria-controls="main-nav-links"
            onClick={() => setOpen((value) => !value)}
          >
            <span aria-hidden="true">{open ? "✕" : "☰"}</span>
          </button>
          <ul id="main-nav-links">
            {links.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  onClick={() => setOpen(false)}
                  aria-current={isCurrent(pathname, link.href) ? "page" : undefined}
                >
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <ConnectButton />
      </div>
    </header>
  );
}
