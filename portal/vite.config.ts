import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The portal is served from the same origin as the API (under /api). For `npm run dev`, point
// DSS_API_URL at the local stack's API (e.g. http://localhost:3000) and /api is proxied there.
const api = process.env.DSS_API_URL;

export default defineConfig({
  plugins: [preact()],
  server: api
    ? { proxy: { "/api": { target: api, changeOrigin: true, rewrite: (p) => p.replace(/^\/api/, "") } } }
    : undefined,
  build: { target: "es2020", sourcemap: false },
});
