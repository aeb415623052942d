import { readFileSync } from "node:fs";

import { defineConfig } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";

// The static verification page: one HTML file with its script inlined
// (dist-verify/verify.html), served by the registry at /verify and usable
// from a file. HOTICH_PAPER_TRUST names a trust file (`hotich trust export`,
// or the registry's /v1/paper-trust) to bundle; without it the page fetches
// the registry's or lets the checker choose a file.
const bundled = process.env["HOTICH_PAPER_TRUST"];

export default defineConfig({
  plugins: [viteSingleFile()],
  clearScreen: false,
  define: {
    __BUNDLED_TRUST__: JSON.stringify(bundled ? readFileSync(bundled, "utf8") : ""),
  },
  build: {
    outDir: "dist-verify",
    target: "es2022",
    emptyOutDir: true,
    rollupOptions: { input: "verify.html" },
  },
});
