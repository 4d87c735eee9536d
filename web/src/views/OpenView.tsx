"use client";

export function OpenView() {
  return (
    <>
      <div className="page-head">
        <h1>Open a file</h1>
        <p>Drop a superdist package to read it, or to buy your own license through it.</p>
      </div>
      <div className="drop-zone">
        <p>Drop a package here</p>
      </div>
    </>
  );
}
