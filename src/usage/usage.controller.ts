import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { parseInput } from '../infra/http/zod-body';
import { MAX_USAGE_DAYS, usageQuerySchema } from './usage.dto';
import { UsageService, type UsageReport } from './usage.service';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  @ReadAccess()
  @ApiQuery({
    name: 'days',
    required: false,
    description: `UTC days of history ending today, 1 to ${MAX_USAGE_DAYS} (default 7)`,
  })
  get(@WorkspaceId() ws: string, @Query() query: unknown): Promise<UsageReport> {
    return this.usage.report(ws, parseInput(usageQuerySchema, query, 'query'));
  }
}
