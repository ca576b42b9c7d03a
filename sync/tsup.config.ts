import { defineConfig } from 'tsup';

// The package ships plain JavaScript with type declarations, importable from Node and from a
// browser bundler with no TypeScript loader. @seen/shared is private to this repository, so its
// code and types are bundled in; Yjs and its companions stay external (yjs is a peer dependency:
// two copies of Yjs in one program break its type checks).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  clean: true,
  noExternal: [/^@seen\/shared/],
  external: ['yjs', 'y-websocket', 'y-protocols', 'y-indexeddb', 'lib0', 'tweetnacl', /^lib0\//, /^y-protocols\//],
  dts: { resolve: [/^@seen\/shared/], compilerOptions: { customConditions: [], allowImportingTsExtensions: true } },
});
