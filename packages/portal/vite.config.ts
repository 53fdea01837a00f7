import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The patient portal. Built into `dist/` with absolute asset paths under base '/', so the
 * backend serves `dist/` at the root of the portal listener and answers `index.html` for the
 * client-side routes. In development `/api` goes to the portal backend (default port 8080).
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
