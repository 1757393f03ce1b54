// Preloaded (`node -r ./scripts/load-env.js`) by every npm script that needs configuration (start, start:dev,
// demo, cli, db:migrate): reads `.env` at the repository root when it exists. Variables already set in the
// environment win, so `DATABASE_URL=... npm run cli` and container environments are never overridden.
const fs = require('node:fs');
const path = require('node:path');

const envFile = path.resolve(__dirname, '..', '.env');
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
