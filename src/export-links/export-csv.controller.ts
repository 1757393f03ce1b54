import { Controller, Get, Param, Query, Req, Res, type StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { Public } from '../auth/access.decorator';
import { ApiError } from '../infra/http/api-error';
import { csvFile } from '../infra/http/csv/csv-response';
import { RateLimiter } from '../infra/http/rate-limit/rate-limiter';
import { parseInput } from '../infra/http/zod-body';
import { exportReadQuerySchema } from './dto/export-link.dto';
import { ExportLinkService } from './export-link.service';
import { tokenOfFile } from './export-link-token';

/**
 * The public side of export links: `GET /v1/export/<token>.csv`, no Authorization header (the token is the
 * credential), for Google Sheets IMPORTDATA, Excel Power Query and Looker Studio's file connectors.
 */
@ApiTags('export-links')
@Controller('v1/export')
export class ExportCsvController {
  constructor(
    private readonly links: ExportLinkService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Get(':file')
  @Public()
  @ApiOperation({
    summary: "An export link's report as CSV, without a header row unless `header=1`",
    description:
      'No API key: the token in the path is the credential. Unknown, revoked and expired links answer 404. ' +
      'Other query parameters (a cache buster) are ignored. Columns: docs/csv.md.',
  })
  @ApiParam({ name: 'file', description: '`<token>.csv`' })
  @ApiQuery({ name: 'header', required: false, enum: ['0', '1', 'true', 'false'] })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'RFC 4180 CSV (`text/csv; charset=utf-8`), the rows of the report as GET /v1/reports writes them',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async read(
    @Param('file') file: string,
    @Query() query: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { header } = parseInput(exportReadQuerySchema, query, 'query');
    await this.throttle(`export:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, res);
    const link = await this.links.open(tokenOfFile(file));
    // Each link has a budget of its own too, so a leaked link polled from many addresses is bounded as well.
    await this.throttle(`export-link:${link.id}`, res);
    const csv = await this.links.csv(link, header ?? false);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    return csvFile(`${csv.report}.csv`, csv.body);
  }

  /** Per-minute budgets of API_RATE_LIMIT_PER_MINUTE in Redis (fail open, as for API keys). */
  private async throttle(key: string, res: Response): Promise<void> {
    const state = await this.rateLimiter.hit(key);
    if (!state || state.allowed) return;
    res.setHeader('Retry-After', String(state.resetSeconds));
    throw new ApiError(429, 'rate_limited', `Too many export requests; retry in ${state.resetSeconds} s`);
  }
}
