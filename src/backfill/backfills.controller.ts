import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ApiOkSchema, IdParam } from '../infra/http/crud.decorators';
import { openApiSchema } from '../infra/http/openapi-schema';
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
    @IdParam('projectId', 'Project') projectId: string,
  ): Promise<BackfillView> {
    return this.backfills.requestFromApi(ws, projectId);
  }

  @Get('projects/:projectId/backfills')
  @ApiOkResponse({ description: 'The latest 50', schema: openApiSchema(backfillListResponseSchema) })
  @ReadAccess()
  list(@WorkspaceId() ws: string, @IdParam('projectId', 'Project') projectId: string) {
    return this.backfills.list(ws, projectId);
  }

  @Get('backfills/:id')
  @ApiOkSchema(backfillResponseSchema)
  @ReadAccess()
  get(@WorkspaceId() ws: string, @IdParam('id', 'Backfill') id: string): Promise<BackfillView> {
    return this.backfills.get(ws, id);
  }
}
