import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ALERTS_QUEUE, BACKFILL_QUEUE, RUNS_QUEUE, WEBHOOKS_QUEUE } from './queue-names';

/** BullMQ on the configured Redis; every queue is registered here, in one place. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // maxRetriesPerRequest: null is required by BullMQ workers (blocking commands must not time out).
        connection: {
          url: config.REDIS_URL,
          maxRetriesPerRequest: null,
          connectionName: 'streamrank:bullmq',
        },
        prefix: config.QUEUE_PREFIX,
      }),
    }),
    BullModule.registerQueue(
      { name: RUNS_QUEUE },
      { name: BACKFILL_QUEUE },
      { name: WEBHOOKS_QUEUE },
      { name: ALERTS_QUEUE },
    ),
  ],
  exports: [BullModule],
})
export class QueueModule {}
