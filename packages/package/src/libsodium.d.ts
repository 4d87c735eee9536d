// The `libsodium` package ships no types: its default export instantiates the Emscripten module.
declare module "libsodium" {
  const createModule: (options: { getRandomValue: () => number }) => Promise<unknown>;
  export default createModule;
}
