import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config';
import { start } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  await start(config);
}

main().catch((e: unknown) => {
  console.error('streamrank failed to start:', e);
  process.exit(1);
});
