// Lint enforces the layer rules (docs/ARCHITECTURE.md "Layers"): they are checked, not remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const YJS = ['yjs', 'y-protocols', 'y-protocols/*', 'y-websocket', 'y-indexeddb', 'lib0/*'];
const DECRYPTING = ['tweetnacl', '@seen/shared/crypto', '@seen/shared/doc', '**/shared/crypto/**', '**/shared/doc/**'];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'e2e/test-results/**', 'e2e/playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // The y-websocket README spells the option `WebsocketPolyfill`; that spelling is silently
      // ignored and the provider falls back to a plaintext socket (SPEC SYNC-1).
      'no-restricted-syntax': ['error', { selector: "Property[key.name='WebsocketPolyfill']", message: 'The option is spelled WebSocketPolyfill; WebsocketPolyfill silently disables encryption.' }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/relay/verifyEd25519.ts'],
    rules: restrict([...YJS, ...DECRYPTING, 'sodium-native'], 'The relay cannot read content, so it imports nothing that could (no Yjs, nothing that decrypts; libsodium only in verifyEd25519.ts).'),
  },
  {
    // The one place libsodium is allowed: it verifies signatures there, nothing else.
    files: ['server/src/relay/verifyEd25519.ts'],
    rules: restrict([...YJS, ...DECRYPTING], 'The relay cannot read content, so it imports nothing that could (no Yjs, nothing that decrypts).'),
  },
  {
    files: ['shared/protocol/**/*.ts'],
    rules: restrict([...YJS, 'tweetnacl', 'react', 'node:*'], 'shared/protocol is pure bytes: no Yjs, no crypto library, no DOM or Node APIs.'),
  },
  {
    files: ['shared/crypto/**/*.ts'],
    rules: restrict([...YJS, 'react', 'node:*'], 'shared/crypto may use tweetnacl and shared/protocol only.'),
  },
  {
    files: ['client/src/components/**/*.{ts,tsx}'],
    rules: restrict([...YJS, 'tweetnacl', '@seen/sync', '**/sync/**'], 'Components receive plain values through hooks; they never import Yjs or the sync layer.'),
  },
  {
    // The sync package is a library: framework-free, and it cannot reach into the app.
    files: ['sync/**/*.ts'],
    rules: restrict(['react', 'react-dom', 'react/*', '**/client/**'], '@seen/sync is framework-free and knows nothing of the app.'),
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
