import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The build goes to dist/web: dist/placeholder is committed (see embed.go),
// and emptyOutDir only ever clears the build's own folder.
export default defineConfig(({ mode }) => ({
  plugins: [
    // Options in svelte.config.js; emitCss puts component styles in the
    // bundle's .css file (the CSP forbids injected <style> elements).
    svelte({ emitCss: true }),
  ],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill is only for browsers without modulepreload; both
    // Chromium and WebKitGTK have it.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 300,
  },
  server: {
    // `npm run dev` talks to a `docsift serve` on the default address.
    proxy: { '/api': 'http://127.0.0.1:7878' },
  },
  // Tests run the stores with Svelte's client runtime (runes behave as in
  // the browser).
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
}));
