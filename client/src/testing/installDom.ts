// Gives a Node test file a browser-like global scope (window, document, sessionStorage, history).
// Import it FIRST in a test file: ES modules evaluate in import order, so React and Testing Library
// then see a DOM. jsdom comes from client/ (v26, which runs on Node 20); vitest's built-in `jsdom`
// environment would load whichever jsdom the root resolves.
import { JSDOM } from 'jsdom';
import { populateGlobal } from 'vitest/runtime';

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
  url: 'http://localhost:3000/',
  pretendToBeVisual: true,
});
populateGlobal(globalThis, dom.window, { bindFunctions: true });
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
