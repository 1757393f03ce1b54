/// <reference types="vite/client" />

/** Set by vite.config.ts: true on the dev server when SR_DEV_KEY makes the proxy add a bearer key. */
declare const __SR_DEV_PROXY_AUTH__: boolean;
