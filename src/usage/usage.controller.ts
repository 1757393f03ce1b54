import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { parseInput } from '../infra/http/zod-body';
import { usageResponseSchema } from './dto/usage-response.dto';
import { MAX_USAGE_DAYS, usageQuerySchema } from './dto/usage-query.dto';
import { UsageService, type UsageReport } from './usage.service';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  @ApiOkResponse({ schema: openApiSchema(usageResponseSchema) })
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
