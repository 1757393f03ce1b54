// Boots the real application (real Postgres, real Redis, real HTTP) for e2e specs.
import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createHttpApp } from '../../src/bootstrap';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** Where the app listens (`http://127.0.0.1:<port>`), for real HTTP clients. */
  baseUrl: string;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ...process.env, SCHEDULER_ENABLED: 'false', ROLE: 'api', ...overrides });
  const app = await createHttpApp(config);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  return {
    app,
    config,
    baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    http: () => request(server),
    close: () => app.close(),
  };
}

export interface TestWorkspace {
  workspaceId: string;
  adminKey: string;
  readKey: string;
  auth: (role?: 'admin' | 'read') => { Authorization: string };
}

let counter = 0;

/** A fresh workspace with one admin and one read key, created through the same service the CLI uses. */
export async function createWorkspace(
  t: TestApp,
  name = `ws-${++counter}-${Date.now()}`,
): Promise<TestWorkspace> {
  const keys = t.app.get(ApiKeyService);
  const created = await keys.createWorkspace(name);
  const read = await keys.create(created.workspaceId, 'reader', 'read');
  return {
    workspaceId: created.workspaceId,
    adminKey: created.key.key,
    readKey: read.key,
    auth: (role = 'admin') => ({ Authorization: `Bearer ${role === 'admin' ? created.key.key : read.key}` }),
  };
}
