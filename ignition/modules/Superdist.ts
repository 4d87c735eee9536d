import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** The market, owned by the deploying account. */
export default buildModule("Superdist", (m) => {
  const market = m.contract("SuperdistMarket", [m.getParameter("owner", m.getAccount(0))]);
  return { market };
});
