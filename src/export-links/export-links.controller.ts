import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ApiBodySchema, ApiCreatedSchema, ApiOkSchema, IdParam } from '../infra/http/crud.decorators';
import { openApiSchema } from '../infra/http/openapi-schema';
import { parseInput } from '../infra/http/zod-body';
import {
  createdExportLinkResponseSchema,
  createExportLinkSchema,
  exportLinkListResponseSchema,
  exportLinkResponseSchema,
  type CreatedExportLinkView,
  type ExportLinkView,
} from './dto/export-link.dto';
import { ExportLinkService } from './export-link.service';

/** Export links of a project (docs/export-links.md): admins create and revoke them, read keys may list them. */
@ApiTags('export-links')
@ApiBearerAuth()
@Controller('v1/projects/:projectId/export-links')
export class ExportLinksController {
  constructor(private readonly links: ExportLinkService) {}

  @Post()
  @ApiOperation({
    summary: 'A read-only CSV link to one report of the project; the token is shown only in this response',
  })
  @ApiBodySchema(createExportLinkSchema)
  @ApiCreatedSchema(createdExportLinkResponseSchema)
  create(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Body() body: unknown,
  ): Promise<CreatedExportLinkView> {
    return this.links.create(ws, projectId, parseInput(createExportLinkSchema, body));
  }

  @Get()
  @ReadAccess()
  @ApiOkSchema(exportLinkListResponseSchema)
  async list(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
  ): Promise<{ data: ExportLinkView[] }> {
    return { data: await this.links.list(ws, projectId) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revokes the link: from now on it answers 404' })
  @ApiOkResponse({ description: 'The revoked link', schema: openApiSchema(exportLinkResponseSchema) })
  revoke(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @IdParam('id', 'Export link') id: string,
  ): Promise<ExportLinkView> {
    return this.links.revoke(ws, projectId, id);
  }
}
