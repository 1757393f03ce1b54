import { type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { runsApi, type AppConfig } from './config/app-config';
import { HttpExceptionFilter } from './infra/http/http-exception.filter';
import { InputRulesInterceptor } from './infra/http/input-rules.interceptor';
import { markInvalidUtf8 } from './infra/http/utf8-body';
import { withErrorResponses } from './infra/http/openapi-errors';
import { AppLogger } from './infra/logging/app-logger';
import { webAppMiddleware } from './web/web-app.middleware';
import { resolveWebDist } from './web/web-dist';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('streamrank')
    .setDescription(
      'AI visibility monitor: brand mentions in streamed LLM answers, by arrival time and position.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key: sr_<prefix>_<secret>' })
    .build();
  return withErrorResponses(SwaggerModule.createDocument(app, config));
}

/** Creates the HTTP application (ROLE=api|all) without listening; tests use this directly. */
export async function createHttpApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRole(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(AppLogger));
  // Nest's option type leaves out `verify` because it installs its own when rawBody is on; it is off here.
  const jsonOptions = { limit: config.BODY_LIMIT_BYTES, verify: markInvalidUtf8 };
  app.useBodyParser('json', jsonOptions);
  // Behind TRUST_PROXY reverse proxies, X-Forwarded-Proto/-For give req.secure and req.ip; never otherwise.
  app.set('trust proxy', config.TRUST_PROXY > 0 ? config.TRUST_PROXY : false);
  app.disable('x-powered-by');
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalInterceptors(new InputRulesInterceptor());
  app.enableShutdownHooks();
  // The web app (web/dist) at `/`, ahead of Nest's routes; /v1, /docs and /health are left to them.
  app.use(webAppMiddleware(resolveWebDist(config.WEB_DIST_DIR)));
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  return app;
}

/** Creates a worker-only process context (no HTTP server). */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole(config), { bufferLogs: true });
  ctx.useLogger(ctx.get(AppLogger));
  ctx.enableShutdownHooks();
  await ctx.init();
  return ctx;
}

export async function start(config: AppConfig): Promise<INestApplicationContext> {
  if (runsApi(config.ROLE)) {
    const app = await createHttpApp(config);
    if (config.LISTEN_ADDRESS === undefined) await app.listen(config.PORT);
    else await app.listen(config.PORT, config.LISTEN_ADDRESS);
    return app;
  }
  return createWorkerContext(config);
}
