import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { AlertsModule, AlertsWorkerModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { BackfillModule } from './backfill/backfill.module';
import { BackfillWorkerModule } from './backfill/backfill-worker.module';
import { BrandsModule } from './brands/brands.module';
import { runsApi, runsWorker, type AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { EnginesModule } from './engines/engines.module';
import { ExportLinksModule } from './export-links/export-links.module';
import { HealthModule } from './health/health.module';
import { ClockModule } from './infra/clock/clock.module';
import { CryptoModule } from './infra/crypto/crypto.module';
import { LoggingModule } from './infra/logging/logging.module';
import { LiveEventsModule } from './live-events/live-events.module';
import { McpModule } from './mcp/mcp.module';
import { PrismaModule } from './infra/prisma/prisma.module';
import { RedisModule } from './infra/redis/redis.module';
import { ProjectsModule } from './projects/projects.module';
import { PromptsModule } from './prompts/prompts.module';
import { QueueModule } from './infra/queue/queue.module';
import { ReportDigestModule } from './reports/digest/report-digest.module';
import { ReportsModule } from './reports/reports.module';
import { RunsWorkerModule } from './runs/runs-worker.module';
import { RunsModule } from './runs/runs.module';
import { SchedulingModule } from './scheduling/scheduling.module';
import { UsageModule } from './usage/usage.module';
import { WebhookNotifyModule, WebhooksModule, WebhooksWorkerModule } from './webhooks/webhooks.module';

type Imports = NonNullable<ModuleMetadata['imports']>;

/** The process's role decides which feature modules load: one codebase, one build. */
@Module({})
export class AppModule {
  static forRole(config: AppConfig): DynamicModule {
    const infra: Imports = [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(config),
      PrismaModule,
      RedisModule,
      CryptoModule,
      ClockModule,
      QueueModule,
      SchedulingModule,
      ReportDigestModule,
      WebhookNotifyModule,
    ];
    const api: Imports = runsApi(config.ROLE)
      ? [
          HealthModule,
          AuthModule,
          ProjectsModule,
          BrandsModule,
          EnginesModule,
          PromptsModule,
          RunsModule,
          LiveEventsModule,
          UsageModule,
          ReportsModule,
          WebhooksModule,
          AlertsModule,
          McpModule,
          ExportLinksModule,
          // Backfill requests (and the listener of BrandChanges): last, so its routes stay last in the OpenAPI document.
          BackfillModule,
        ]
      : [];
    const worker: Imports = runsWorker(config.ROLE)
      ? [RunsWorkerModule, BackfillWorkerModule, WebhooksWorkerModule, AlertsWorkerModule]
      : [];
    return { module: AppModule, imports: [...infra, ...api, ...worker] };
  }
}
