import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { BackfillRequests, type BackfillView } from './backfill-requests.service';
import { backfillListResponseSchema, backfillResponseSchema } from './dto/backfill.dto';

@ApiTags('backfills')
@ApiBearerAuth()
@Controller('v1')
export class BackfillsController {
  constructor(private readonly backfills: BackfillRequests) {}

  /** Recomputes the project's stored mentions and scores; brand changes request this automatically. */
  @Post('projects/:projectId/backfills')
  @HttpCode(202)
  @ApiAcceptedResponse({ schema: openApiSchema(backfillResponseSchema) })
  create(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
  ): Promise<BackfillView> {
    return this.backfills.requestFromApi(ws, projectId);
  }

  @Get('projects/:projectId/backfills')
  @ApiOkResponse({ description: 'The latest 50', schema: openApiSchema(backfillListResponseSchema) })
  @ReadAccess()
  list(@WorkspaceId() ws: string, @Param('projectId', new ParseIdPipe('Project')) projectId: string) {
    return this.backfills.list(ws, projectId);
  }

  @Get('backfills/:id')
  @ApiOkResponse({ schema: openApiSchema(backfillResponseSchema) })
  @ReadAccess()
  get(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Backfill')) id: string,
  ): Promise<BackfillView> {
    return this.backfills.get(ws, id);
  }
}
