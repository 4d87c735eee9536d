import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** The demo ERC-20 (with permit) that local networks, demos and tests pay with. */
export default buildModule("DemoToken", (m) => {
  const demoToken = m.contract("DemoToken", [
    m.getParameter("name", "Demo Dollar"),
    m.getParameter("symbol", "DUSD"),
    m.getAccount(0),
  ]);
  return { demoToken };
});
