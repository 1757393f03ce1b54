import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ReadAccess } from '../auth/access.decorator';
import { ApiOkSchema } from '../infra/http/crud.decorators';
import { parseInput } from '../infra/http/zod-body';
import {
  DEFAULT_PREVIEW_FIRINGS,
  MAX_PREVIEW_FIRINGS,
  schedulePreviewQuerySchema,
  schedulePreviewResponseSchema,
  type SchedulePreview,
} from './dto/schedule-preview.dto';
import { SchedulePreviewService } from './schedule-preview.service';

@ApiTags('prompts')
@ApiBearerAuth()
@Controller('v1')
export class SchedulePreviewController {
  constructor(private readonly schedules: SchedulePreviewService) {}

  /** A schedule in words and its next firings, computed as the slot claimer plans them; changes nothing. */
  @Get('schedules/preview')
  @ReadAccess()
  @ApiQuery({ name: 'cron', required: true, description: 'cron expression, as a prompt takes it' })
  @ApiQuery({ name: 'timezone', required: false, description: 'IANA timezone; default UTC' })
  @ApiQuery({
    name: 'count',
    required: false,
    description: `how many firings, 1 to ${MAX_PREVIEW_FIRINGS}; default ${DEFAULT_PREVIEW_FIRINGS}`,
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'ISO 8601; firings strictly after it; default now',
  })
  @ApiOkSchema(schedulePreviewResponseSchema)
  preview(@Query() query: unknown): SchedulePreview {
    return this.schedules.preview(parseInput(schedulePreviewQuerySchema, query, 'query'));
  }
}
