import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The typed client is used from its source (clients/typescript/src), as a React Native app would.
export default defineConfig({
  resolve: { alias: { "@clinic/client": fileURLToPath(new URL("../clients/typescript/src/index.ts", import.meta.url)) } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No inline <script>/<style> and no data: modules: the gateway's CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/config.json": "http://127.0.0.1:8080", "/stripe-dev": "http://127.0.0.1:8080" } },
});
