// Vite config for the web app (`npm run web:build`, `npm run web:dev`). Root is web/, output web/dist,
// served by NestJS in production. JSX goes through Vite's built-in oxc transform (no React plugin).
// Dev: `/v1` is proxied to SR_API (default the local API); with SR_DEV_KEY set the proxy adds the
// bearer key so the app can be developed against `npm run demo` without a cookie session.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.SR_API ?? 'http://127.0.0.1:3000';
const devKey = process.env.SR_DEV_KEY;

export default defineConfig(({ command }) => ({
  root,
  define: { __SR_DEV_PROXY_AUTH__: JSON.stringify(command === 'serve' && Boolean(devKey)) },
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // echarts (lazy chunk) is ~575 kB minified, ~196 kB gzipped; the initial chunk stays far below.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // TanStack's "use client" directives are meaningless in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: {
      '/v1': {
        target,
        changeOrigin: true,
        configure: (proxy) => {
          if (!devKey) return;
          proxy.on('proxyReq', (proxyReq) => {
            proxyReq.setHeader('Authorization', `Bearer ${devKey}`);
          });
        },
      },
    },
  },
}));
