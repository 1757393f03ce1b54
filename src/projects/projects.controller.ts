import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiBearerAuth,
  ApiBody,
  ApiTags,
} from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { ApiPageQuery } from '../infra/http/api-page-query.decorator';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { parseInput } from '../infra/http/zod-body';
import {
  createProjectSchema,
  projectPageResponseSchema,
  projectResponseSchema,
  updateProjectSchema,
  type ProjectView,
} from './dto/project.dto';
import { ProjectService } from './project.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectService) {}

  @ApiCreatedResponse({ schema: openApiSchema(projectResponseSchema) })
  @Post()
  @ApiBody({ schema: openApiSchema(createProjectSchema) })
  create(@WorkspaceId() ws: string, @Body() body: unknown): Promise<ProjectView> {
    return this.projects.create(ws, parseInput(createProjectSchema, body));
  }

  @Get()
  @ReadAccess()
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(projectPageResponseSchema) })
  list(@WorkspaceId() ws: string, @Query() query: unknown): Promise<Page<ProjectView>> {
    return this.projects.list(ws, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOkResponse({ schema: openApiSchema(projectResponseSchema) })
  @ReadAccess()
  get(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Project')) id: string): Promise<ProjectView> {
    return this.projects.get(ws, id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: openApiSchema(projectResponseSchema) })
  @ApiBody({ schema: openApiSchema(updateProjectSchema) })
  update(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Project')) id: string,
    @Body() body: unknown,
  ): Promise<ProjectView> {
    return this.projects.update(ws, id, parseInput(updateProjectSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Project')) id: string): Promise<void> {
    return this.projects.delete(ws, id);
  }
}
