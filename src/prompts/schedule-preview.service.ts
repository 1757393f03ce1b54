import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiError } from '../infra/http/api-error';
import { Clock } from '../infra/clock/clock';
import { checkSchedule } from './cron-schedule';
import { type SchedulePreview, type SchedulePreviewQuery } from './dto/schedule-preview.dto';
import { describeCron, localIso, nextFirings } from './schedule-preview';

@Injectable()
export class SchedulePreviewService {
  constructor(
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Refuses what a prompt write would refuse (same check, same field), else words and next firings. */
  preview(q: SchedulePreviewQuery): SchedulePreview {
    const from = q.from ? new Date(q.from) : this.clock.now();
    const check = checkSchedule(q.cron, q.timezone, this.config.MIN_CRON_INTERVAL_SECONDS, from);
    if (!check.ok) {
      throw ApiError.validation(`Invalid query: query.${check.field}: ${check.message}`, [
        { path: `query.${check.field}`, message: check.message },
      ]);
    }
    const description = describeCron(q.cron);
    return {
      cron: q.cron,
      timezone: q.timezone,
      from: from.toISOString(),
      description,
      words: `${description} (${q.timezone})`,
      firings: nextFirings(q.cron, q.timezone, from, q.count).map((at) => ({
        at: at.toISOString(),
        local: localIso(at, q.timezone),
      })),
    };
  }
}
